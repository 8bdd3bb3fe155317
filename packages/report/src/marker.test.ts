import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPORT_MARKER } from './marker.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('REPORT_MARKER', () => {
  it('is a hidden HTML comment', () => {
    expect(REPORT_MARKER).toMatch(/^<!-- [a-z-]+ -->$/);
  });

  it('is the marker the pull-request workflow finds its comment by', () => {
    const workflow = readFileSync(join(ROOT, '.github', 'workflows', 'pr.yml'), 'utf8');
    expect(workflow).toContain(`const marker = '${REPORT_MARKER}';`);
  });
});
