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

# The objects a scanned document holds: itself, its List items, and their items.
list_items(doc) := doc.items if is_array(object.get(doc, "items", null))

list_items(doc) := [] if not is_array(object.get(doc, "items", null))

scanned_objects(doc) := array.concat(array.concat([doc], list_items(doc)), [inner | some item in list_items(doc); some inner in list_items(item)])
