import { callSite, type SourceLocation } from './source.ts';
import { unknownKeys } from './unknown-keys.ts';

/** What a namespace's pods are expected to do at run time; anything else raises a Falco alert. */
export interface RuntimeProps {
  /** A managed namespace. */
  readonly namespace: string;
  /** Outbound TCP/UDP destination ports the namespace's processes may connect to. */
  readonly outboundPorts: readonly number[];
  /**
   * Falco priority of the alert.
   * @default 'WARNING'
   */
  readonly priority?: 'EMERGENCY' | 'ALERT' | 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFORMATIONAL' | 'DEBUG';
}

/** A declared runtime expectation. Create with {@link runtime}. */
export interface Runtime {
  readonly type: 'runtime';
  readonly namespace: string;
  readonly outboundPorts: readonly number[];
  readonly priority: NonNullable<RuntimeProps['priority']>;
  /** Properties given that a runtime expectation does not have (reported by validation). */
  readonly unknown: readonly string[];
  readonly at: SourceLocation;
}

/**
 * Declares the outbound ports a namespace is expected to use.
 *
 * @example
 * runtime({ namespace: 'ai-inference', outboundPorts: [443, 8080] })
 */
export function runtime(props: RuntimeProps): Runtime {
  return {
    type: 'runtime',
    namespace: props.namespace,
    outboundPorts: [...props.outboundPorts],
    priority: props.priority ?? 'WARNING',
    unknown: unknownKeys(props, ['namespace', 'outboundPorts', 'priority']),
    at: callSite(),
  };
}
