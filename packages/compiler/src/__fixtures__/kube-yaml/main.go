// Writes verdicts.json: for each candidate string, whether Kubernetes' YAML reader
// (sigs.k8s.io/yaml, that is go-yaml v2) reads it back as that very string when it is written
// plain, as a mapping value (`k: <s>`) and as a mapping key (`<s>: v`). serialize.test.ts checks
// that ztp's YAML writer quotes every candidate read otherwise. Regenerate with:
//
//	cd packages/compiler/src/__fixtures__/kube-yaml && go run . > verdicts.json
package main

import (
	"encoding/json"
	"os"
	"sort"

	"sigs.k8s.io/yaml"
)

// Every string of up to three characters over this alphabet (digits, signs, dots, underscores
// and the letters of number and word syntax), and the words and forms below.
const alphabet = "0178_-+.:eExXoObBafinNtyY~"

var extra = []string{
	"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "<<", "=",
	".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", "+.INF", "Inf", "NaN", "infinity",
	"0b-0", "0b+1", "0b-101", "0__b-1", "0b-0_0", "-0b-1", "0B-1", "0b_1", "0x_1F", "+0x1f", "0O17", "0o17", "0o_17",
	"1_000", "1__0", "08", "09.5", "010", "0x1p-2", "1e400", "1e+21", "-1e+21", ".5_5", "5.", "1.0.0", "1.2.3",
	"1:30", "190:20:30.15", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2002-12-14",
	"e5", "e-1", "E10", "0e0", "123456789012345678901234567890", "0xFFFFFFFFFFFFFFFFF", "-9223372036854775809",
}

type verdicts struct {
	Reader     string   `json:"reader"`
	Candidates []string `json:"candidates"`
	// NotStringAsValue: read as something else than the string (or refused) in `k: <s>`.
	NotStringAsValue []string `json:"notStringAsValue"`
	// NotStringAsKey: read as something else than the string (or refused) in `<s>: v`.
	NotStringAsKey []string `json:"notStringAsKey"`
}

func readsBack(doc []byte, s string, key bool) bool {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return false
	}
	var m map[string]interface{}
	if err := json.Unmarshal(j, &m); err != nil || len(m) != 1 {
		return false
	}
	for k, v := range m {
		if key {
			// keys always come out as JSON strings; a key read as another type is printed anew
			return k == s
		}
		str, ok := v.(string)
		return ok && str == s
	}
	return false
}

func main() {
	seen := map[string]bool{}
	var candidates []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			candidates = append(candidates, s)
		}
	}
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		if prefix != "" {
			add(prefix)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			grow(prefix+string(c), n-1)
		}
	}
	grow("", 3)
	for _, s := range extra {
		add(s)
	}
	sort.Strings(candidates)
	out := verdicts{Reader: "sigs.k8s.io/yaml v1.6.0 (go.yaml.in/yaml/v2 v2.4.2)", Candidates: candidates, NotStringAsValue: []string{}, NotStringAsKey: []string{}}
	for _, s := range candidates {
		if !readsBack([]byte("k: "+s+"\n"), s, false) {
			out.NotStringAsValue = append(out.NotStringAsValue, s)
		}
		if !readsBack([]byte(s+": v\n"), s, true) {
			out.NotStringAsKey = append(out.NotStringAsKey, s)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
