# ztp rule-language helpers for the conftest form (generated; do not edit).
package ztp.lib

# Helpers of the ztp rule language (generated).
pod_kinds := {
	"Pod": "",
	"Deployment": "apps",
	"StatefulSet": "apps",
	"DaemonSet": "apps",
	"ReplicaSet": "apps",
	"Job": "batch",
	"CronJob": "batch",
}

api_group(obj) := split(obj.apiVersion, "/")[0] if contains(obj.apiVersion, "/")

api_group(obj) := "" if not contains(obj.apiVersion, "/")

kind_of(obj) := [api_group(obj), obj.kind]

is_pod_bearing(obj) if pod_kinds[obj.kind] == api_group(obj)

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

as_list(x) := x if is_array(x)

as_list(x) := [] if not is_array(x)

pod_template(obj) := as_object(object.get(obj, ["spec", "jobTemplate", "spec", "template"], {})) if obj.kind == "CronJob"

pod_template(obj) := as_object(object.get(obj, ["spec", "template"], {})) if not obj.kind in {"Pod", "CronJob"}

pod_spec(obj) := as_object(object.get(obj, "spec", {})) if obj.kind == "Pod"

pod_spec(obj) := as_object(object.get(pod_template(obj), "spec", {})) if obj.kind != "Pod"

pod_meta(obj) := as_object(object.get(obj, "metadata", {})) if obj.kind == "Pod"

pod_meta(obj) := as_object(object.get(pod_template(obj), "metadata", {})) if obj.kind != "Pod"

containers(spec) := array.concat(
	array.concat(as_list(object.get(spec, "containers", [])), as_list(object.get(spec, "initContainers", []))),
	as_list(object.get(spec, "ephemeralContainers", [])),
)

starts_with_any(s, prefixes) if {
	is_string(s)
	some p in prefixes
	startswith(s, p)
}

ends_with_any(s, suffixes) if {
	is_string(s)
	some x in suffixes
	endswith(s, x)
}

matches(s, pattern) if {
	is_string(s)
	regex.match(pattern, s)
}

list_contains(l, x) if {
	is_array(l)
	some y in l
	y == x
}

has_key(m, k) if {
	is_object(m)
	k in object.keys(m)
}

# The objects a scanned document holds: itself, and its List items at any depth.
scanned_objects(doc) := [v | walk(doc, [path, v]); list_item_path(path)]

list_item_path(path) if {
	count(path) % 2 == 0
	every i, step in path {
		item_step(i, step)
	}
}

item_step(i, step) if {
	i % 2 == 0
	step == "items"
}

item_step(i, step) if {
	i % 2 == 1
	is_number(step)
}
