/* ka_fields.c - the 100 ka.* fields of Falco's k8saudit plugin 0.18, all strings (lists are TH_FT_STRLIST),
 * with the plugin's semantics: non-string JSON values render as compact JSON, list fields walk arrays the way the
 * plugin's recursive key walk does (an [i] argument selects element i of the arrays met on the way), and nothing
 * is extracted from JSON without auditID. Deviations fix observed upstream bugs and are stated in the desc.
 * Invariant: extractors read only through the th_json API below ev->root and allocate only in ev->scratch. */
#include <string.h>

#include "th_fieldx.h"

#define KA TH_SRC_MASK(TH_SRC_K8S_AUDIT)

/* The audit record, or TH_JNONE when the JSON has no auditID (then every ka.* field is absent). */
static uint32_t ka_root(const struct th_event *ev)
{
    if (th_json_getz(ev->doc, ev->root, "auditID") == TH_JNONE) {
        return TH_JNONE;
    }
    return ev->root;
}

static uint32_t ka_get(const struct th_event *ev, const char *const *keys)
{
    if (ka_root(ev) == TH_JNONE) {
        return TH_JNONE;
    }
    return th_fx_keys(ev, keys);
}

#define K(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the plugin's recursive value walk ---- */

struct ka_nodes {
    uint32_t *v;
    size_t n, cap;
};

static void nodes_push(struct th_event *ev, struct ka_nodes *l, uint32_t node)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        uint32_t *v = th_arena_alloc(ev->scratch, cap * sizeof *v);
        if (l->n) {
            memcpy(v, l->v, l->n * sizeof *v);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = node;
}

/* Follows keys from node. An array met before a key is expanded element by element (index < 0: every element,
 * a missing value recorded as TH_JNONE) or replaced by its element [index]. "" as a key means the value itself.
 * Returns false when the value is not available at all. */
static bool ka_walk(struct th_event *ev, uint32_t node, const char *const *keys, int32_t index, struct ka_nodes *res)
{
    const struct th_json *doc = ev->doc;
    for (; *keys; keys++) {
        if (th_json_type(doc, node) == TH_J_ARRAY) {
            if (index < 0) {
                for (uint32_t e = th_json_first(doc, node); e != TH_JNONE; e = th_json_next(doc, e, node)) {
                    if (!ka_walk(ev, e, keys, index, res)) {
                        nodes_push(ev, res, TH_JNONE);
                    }
                }
                return true;
            }
            node = th_json_index(doc, node, (uint32_t)index);
            if (node == TH_JNONE) {
                return false;
            }
        }
        if (**keys) {
            node = th_json_getz(doc, node, *keys);
        }
        if (node == TH_JNONE) {
            return false;
        }
    }
    nodes_push(ev, res, node);
    return true;
}

static bool ka_walk_root(struct th_event *ev, const char *const *keys, int32_t index, struct ka_nodes *res)
{
    uint32_t root = ka_root(ev);
    return root != TH_JNONE && ka_walk(ev, root, keys, index, res);
}

/* ---- value shapes ---- */

/* A single value: strings as is, anything else compact JSON. */
static int ka_scalar(struct th_event *ev, const char *const *keys, struct th_val *out)
{
    uint32_t n = ka_get(ev, keys);
    return n == TH_JNONE ? 0 : th_fx_set_sv(out, th_fx_render(ev, n));
}

/* An array value: each element rendered; absent unless the value is a non-empty array. */
static int ka_array(struct th_event *ev, const char *const *keys, int32_t index, struct th_val *out)
{
    uint32_t arr = ka_get(ev, keys);
    struct th_fx_list l = {0};
    if (arr == TH_JNONE || th_json_type(ev->doc, arr) != TH_J_ARRAY) {
        return 0;
    }
    for (uint32_t e = th_json_first(ev->doc, arr); e != TH_JNONE; e = th_json_next(ev->doc, e, arr)) {
        th_fx_list_push(ev, &l, th_fx_render(ev, e));
    }
    return th_fx_set_list(index, &l, out);
}

/* Walked values rendered, missing ones skipped. */
static int ka_walk_list(struct th_event *ev, const char *const *keys, int32_t index, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    if (!ka_walk_root(ev, keys, index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        if (nodes.v[i] != TH_JNONE) {
            th_fx_list_push(ev, &l, th_fx_render(ev, nodes.v[i]));
        }
    }
    return th_fx_set_list(-1, &l, out);
}

/* Walked values that are arrays, flattened (their elements rendered). */
static int ka_walk_flat(struct th_event *ev, const char *const *keys, int32_t index, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    const struct th_json *doc = ev->doc;
    if (!ka_walk_root(ev, keys, index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        uint32_t a = nodes.v[i];
        if (a == TH_JNONE || th_json_type(doc, a) != TH_J_ARRAY) {
            continue;
        }
        for (uint32_t e = th_json_first(doc, a); e != TH_JNONE; e = th_json_next(doc, e, a)) {
            th_fx_list_push(ev, &l, th_fx_render(ev, e));
        }
    }
    return th_fx_set_list(-1, &l, out);
}

/* ---- simple fields ---- */

#define KA_SCALAR(fn, ...)                                                                  \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        TH_FX_UNUSED(ref);                                                                  \
        return ka_scalar(ev, K(__VA_ARGS__), out);                                          \
    }

KA_SCALAR(f_auditid, "auditID")
KA_SCALAR(f_stage, "stage")
KA_SCALAR(f_auth_decision, "annotations", "authorization.k8s.io/decision")
KA_SCALAR(f_auth_reason, "annotations", "authorization.k8s.io/reason")
KA_SCALAR(f_os_decision, "annotations", "authentication.openshift.io/decision")
KA_SCALAR(f_os_username, "annotations", "authentication.openshift.io/username")
KA_SCALAR(f_vap_failure, "annotations", "validation.policy.admission.k8s.io/validation_failure")
KA_SCALAR(f_pod_violations, "annotations", "pod-security.kubernetes.io/audit-violations")
KA_SCALAR(f_cluster_name, "annotations", "cluster_name")
KA_SCALAR(f_user_name, "user", "username")
KA_SCALAR(f_impuser_name, "impersonatedUser", "username")
KA_SCALAR(f_verb, "verb")
KA_SCALAR(f_uri, "requestURI")
KA_SCALAR(f_target_name, "objectRef", "name")
KA_SCALAR(f_target_namespace, "objectRef", "namespace")
KA_SCALAR(f_target_resource, "objectRef", "resource")
KA_SCALAR(f_target_subresource, "objectRef", "subresource")
KA_SCALAR(f_binding_role, "requestObject", "roleRef", "name")
KA_SCALAR(f_configmap_name, "objectRef", "name")
KA_SCALAR(f_configmap_obj, "requestObject", "data")
KA_SCALAR(f_host_ipc, "requestObject", "spec", "hostIPC")
KA_SCALAR(f_host_network, "requestObject", "spec", "hostNetwork")
KA_SCALAR(f_host_pid, "requestObject", "spec", "hostPID")
KA_SCALAR(f_pod_run_as_user, "requestObject", "spec", "securityContext", "runAsUser")
KA_SCALAR(f_pod_run_as_group, "requestObject", "spec", "securityContext", "runAsGroup")
KA_SCALAR(f_pod_fs_group, "requestObject", "spec", "securityContext", "fsGroup")
KA_SCALAR(f_service_type, "requestObject", "spec", "type")
KA_SCALAR(f_resp_name, "responseObject", "metadata", "name")
KA_SCALAR(f_response_code, "responseStatus", "code")
KA_SCALAR(f_response_reason, "responseStatus", "reason")
KA_SCALAR(f_useragent, "userAgent")

#define KA_ARRAY(fn, ...)                                                                   \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        return ka_array(ev, K(__VA_ARGS__), ref->index, out);                               \
    }

KA_ARRAY(f_user_groups, "user", "groups")
KA_ARRAY(f_binding_subjects, "requestObject", "subjects")
KA_ARRAY(f_role_rules, "requestObject", "rules")
KA_ARRAY(f_supplemental_groups, "requestObject", "spec", "securityContext", "supplementalGroups")
KA_ARRAY(f_service_ports, "requestObject", "spec", "ports")
KA_ARRAY(f_sourceips, "sourceIPs")

#define KA_RULES(fn, key)                                                                   \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        return ka_walk_flat(ev, K("requestObject", "rules", key), ref->index, out);         \
    }

KA_RULES(f_rules_apigroups, "apiGroups")
KA_RULES(f_rules_nonresourceurls, "nonResourceURLs")
KA_RULES(f_rules_verbs, "verbs")
KA_RULES(f_rules_resources, "resources")

static int f_target_pod_name(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    struct th_sv sub;
    if (!th_json_str_eq(ev->doc, ka_get(ev, K("objectRef", "resource")), "pods", 4)) {
        return 0;
    }
    uint32_t subn = ka_get(ev, K("objectRef", "subresource"));
    if (subn != TH_JNONE && !(th_fx_strview(ev, subn, &sub) && sub.n == 0)) {
        return 0;
    }
    return ka_scalar(ev, K("responseObject", "metadata", "name"), out);
}

/* Deprecated upstream; the plugin's code answers "true" for every audit event (its doc says N/A). */
static int f_subject_has_name(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    return ka_root(ev) == TH_JNONE ? 0 : th_fx_set_lit(out, "true");
}

/* ---- ka.uri.param[key] ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes a query component ('+' is a space, %XX escapes) into dst (at least n bytes). -1 on a bad escape. */
static long query_unescape(const char *s, size_t n, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            dst[o++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n) {
                return -1;
            }
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) {
                return -1;
            }
            dst[o++] = (char)(h * 16 + l);
            i += 2;
        } else {
            dst[o++] = s[i];
        }
    }
    return (long)o;
}

/* The first value of query parameter `key` in requestURI (as Go's url.ParseQuery decodes it). A malformed query
 * (bad escape, ';' separator) makes the field absent, as in the plugin. */
static int f_uri_param(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    struct th_sv uri;
    if (!ref->key || !th_fx_strview(ev, ka_get(ev, K("requestURI")), &uri)) {
        return 0;
    }
    const char *q = memchr(uri.p, '?', uri.n);
    if (!q) {
        return 0;
    }
    const char *end = uri.p + uri.n;
    const char *hash = memchr(q, '#', (size_t)(end - q));
    end = hash ? hash : end;
    char *buf = th_arena_alloc(ev->scratch, (size_t)(end - q) + 1);
    struct th_sv found = {NULL, 0};
    for (const char *p = q + 1; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        if (memchr(p, ';', (size_t)(pe - p))) {
            return 0;
        }
        if (pe > p) {
            const char *eq = memchr(p, '=', (size_t)(pe - p));
            const char *ke = eq ? eq : pe;
            long kn = query_unescape(p, (size_t)(ke - p), buf);
            if (kn < 0) {
                return 0;
            }
            bool match = (size_t)kn == ref->keylen && memcmp(buf, ref->key, (size_t)kn) == 0;
            if (match && !found.p) {
                const char *vs = eq ? eq + 1 : pe;
                char *val = th_arena_alloc(ev->scratch, (size_t)(pe - vs) + 1);
                long vn = query_unescape(vs, (size_t)(pe - vs), val);
                if (vn < 0) {
                    return 0;
                }
                found = th_fx_sv(val, (size_t)vn);
            } else if (eq && query_unescape(eq + 1, (size_t)(pe - eq - 1), buf) < 0) {
                return 0;
            }
        }
        p = amp ? amp + 1 : end;
    }
    return found.p ? th_fx_set_sv(out, found) : 0;
}

/* ---- binding subjects ---- */

enum subj_kind { SUBJ_USER, SUBJ_SA, SUBJ_SA_NS, SUBJ_GROUP };

static int ka_subjects(struct th_event *ev, enum subj_kind kind, struct th_val *out)
{
    static const char *const kinds[] = {"User", "ServiceAccount", "ServiceAccount", "Group"};
    const struct th_json *doc = ev->doc;
    uint32_t arr = ka_get(ev, K("requestObject", "subjects"));
    struct th_fx_list l = {0};
    if (arr == TH_JNONE || th_json_type(doc, arr) != TH_J_ARRAY) {
        return 0;
    }
    for (uint32_t s = th_json_first(doc, arr); s != TH_JNONE; s = th_json_next(doc, s, arr)) {
        const char *k = kinds[kind];
        uint32_t name = th_json_getz(doc, s, "name");
        if (!th_json_str_eq(doc, th_json_getz(doc, s, "kind"), k, strlen(k)) || name == TH_JNONE) {
            continue;
        }
        struct th_sv v = th_fx_render(ev, name);
        if (kind == SUBJ_SA_NS) {
            uint32_t ns = th_json_getz(doc, s, "namespace");
            struct th_sv parts[3] = {ns == TH_JNONE ? th_fx_sv("", 0) : th_fx_render(ev, ns), {":", 1}, v};
            v = th_fx_concat(ev, parts, 3);
        }
        th_fx_list_push(ev, &l, v);
    }
    return th_fx_set_list(-1, &l, out);
}

/* One extractor per subject kind, all through ka_subjects(). */
#define KA_SUBJECTS(fn, kind)                                                               \
    static int fn(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)   \
    {                                                                                       \
        TH_FX_UNUSED(ref);                                                                  \
        return ka_subjects(ev, kind, out);                                                  \
    }

KA_SUBJECTS(f_subj_users, SUBJ_USER)
KA_SUBJECTS(f_subj_sas, SUBJ_SA)
KA_SUBJECTS(f_subj_sa_ns, SUBJ_SA_NS)
KA_SUBJECTS(f_subj_groups, SUBJ_GROUP)

/* ---- containers (containers / initContainers / ephemeralContainers) ---- */

/* Image without its tag and digest. Deviation: a ':' before the last '/' is a registry port, not a tag
 * (the plugin cuts at the first ':', turning "reg:5000/app:1" into "reg"). */
static struct th_sv image_repository(struct th_sv img)
{
    const char *at = memchr(img.p, '@', img.n);
    size_t n = at ? (size_t)(at - img.p) : img.n;
    size_t slash = 0;
    for (size_t i = 0; i < n; i++) {
        if (img.p[i] == '/') {
            slash = i + 1;
        }
    }
    const char *colon = memchr(img.p + slash, ':', n - slash);
    if (colon) {
        n = (size_t)(colon - img.p);
    }
    return th_fx_sv(img.p, n);
}

/* Images of every container; absent if any container has none (the plugin's strict image reader). */
static int ka_images(struct th_event *ev, const char *list, int32_t index, bool repo, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    if (!ka_walk_root(ev, K("requestObject", "spec", list, "image"), index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        if (nodes.v[i] == TH_JNONE) {
            return 0;
        }
        struct th_sv s = th_fx_render(ev, nodes.v[i]);
        th_fx_list_push(ev, &l, repo ? image_repository(s) : s);
    }
    return th_fx_set_list(-1, &l, out);
}

/* securityContext.<key> of every container that sets it. */
static int ka_secctx(struct th_event *ev, const char *list, const char *key, int32_t index, struct th_val *out)
{
    return ka_walk_list(ev, K("requestObject", "spec", list, "securityContext", key), index, out);
}

/* The uid/gid each container starts with: its own, else the pod's securityContext value, else "0". Deviation:
 * with [i], a container without its own value also gets the default (the plugin returns nothing). */
static int ka_effective(struct th_event *ev, const char *list, const char *key, int32_t index, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    struct th_sv dflt = {"0", 1};
    uint32_t pod = ka_get(ev, K("requestObject", "spec", "securityContext", key));
    if (pod != TH_JNONE) {
        dflt = th_fx_render(ev, pod);
    }
    if (!ka_walk_root(ev, K("requestObject", "spec", list, ""), index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        uint32_t v = th_json_path(ev->doc, nodes.v[i], "securityContext");
        v = th_json_getz(ev->doc, v, key);
        th_fx_list_push(ev, &l, v == TH_JNONE ? dflt : th_fx_render(ev, v));
    }
    return th_fx_set_list(-1, &l, out);
}

/* A string array per container (command, args) joined with spaces, one element per container that has it. */
static int ka_joined(struct th_event *ev, const char *list, const char *key, int32_t index, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    const struct th_json *doc = ev->doc;
    if (!ka_walk_root(ev, K("requestObject", "spec", list, key), index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        uint32_t a = nodes.v[i];
        if (a == TH_JNONE) {
            continue;
        }
        if (th_json_type(doc, a) != TH_J_ARRAY) {
            th_fx_list_push(ev, &l, th_fx_render(ev, a));
            continue;
        }
        struct th_fx_list parts = {0};
        for (uint32_t e = th_json_first(doc, a); e != TH_JNONE; e = th_json_next(doc, e, a)) {
            if (parts.n) {
                th_fx_list_push(ev, &parts, th_fx_sv(" ", 1));
            }
            th_fx_list_push(ev, &parts, th_fx_render(ev, e));
        }
        th_fx_list_push(ev, &l, th_fx_concat(ev, parts.v, parts.n));
    }
    return th_fx_set_list(-1, &l, out);
}

/* hostPort of every declared port, else its containerPort. Absent if a container's ports is not an array. */
static int ka_host_ports(struct th_event *ev, const char *list, int32_t index, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    const struct th_json *doc = ev->doc;
    if (!ka_walk_root(ev, K("requestObject", "spec", list, "ports"), index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        uint32_t a = nodes.v[i];
        if (a == TH_JNONE) {
            continue;
        }
        if (th_json_type(doc, a) != TH_J_ARRAY) {
            return 0;
        }
        for (uint32_t p = th_json_first(doc, a); p != TH_JNONE; p = th_json_next(doc, p, a)) {
            uint32_t hp = th_json_getz(doc, p, "hostPort");
            if (hp == TH_JNONE) {
                hp = th_json_getz(doc, p, "containerPort");
            }
            if (hp != TH_JNONE) {
                th_fx_list_push(ev, &l, th_fx_render(ev, hp));
            }
        }
    }
    return th_fx_set_list(-1, &l, out);
}

#define CFIELDS(pfx, list)                                                                                  \
    static int pfx##_name(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)          \
    {                                                                                                       \
        return ka_walk_list(ev, K("requestObject", "spec", list, "name"), ref->index, out);                \
    }                                                                                                       \
    static int pfx##_image(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)         \
    {                                                                                                       \
        return ka_images(ev, list, ref->index, false, out);                                                \
    }                                                                                                       \
    static int pfx##_repo(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)          \
    {                                                                                                       \
        return ka_images(ev, list, ref->index, true, out);                                                 \
    }                                                                                                       \
    static int pfx##_command(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)       \
    {                                                                                                       \
        return ka_joined(ev, list, "command", ref->index, out);                                            \
    }                                                                                                       \
    static int pfx##_args(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)          \
    {                                                                                                       \
        return ka_joined(ev, list, "args", ref->index, out);                                               \
    }                                                                                                       \
    static int pfx##_privileged(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)    \
    {                                                                                                       \
        return ka_secctx(ev, list, "privileged", ref->index, out);                                         \
    }                                                                                                       \
    static int pfx##_ape(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)           \
    {                                                                                                       \
        return ka_secctx(ev, list, "allowPrivilegeEscalation", ref->index, out);                           \
    }                                                                                                       \
    static int pfx##_rofs(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)          \
    {                                                                                                       \
        return ka_secctx(ev, list, "readOnlyRootFilesystem", ref->index, out);                             \
    }                                                                                                       \
    static int pfx##_runasuser(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)     \
    {                                                                                                       \
        return ka_secctx(ev, list, "runAsUser", ref->index, out);                                          \
    }                                                                                                       \
    static int pfx##_effuser(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)       \
    {                                                                                                       \
        return ka_effective(ev, list, "runAsUser", ref->index, out);                                       \
    }                                                                                                       \
    static int pfx##_runasgroup(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)    \
    {                                                                                                       \
        return ka_secctx(ev, list, "runAsGroup", ref->index, out);                                         \
    }                                                                                                       \
    static int pfx##_effgroup(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)      \
    {                                                                                                       \
        return ka_effective(ev, list, "runAsGroup", ref->index, out);                                      \
    }                                                                                                       \
    static int pfx##_procmount(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)     \
    {                                                                                                       \
        return ka_secctx(ev, list, "procMount", ref->index, out);                                          \
    }                                                                                                       \
    static int pfx##_caps(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)          \
    {                                                                                                       \
        return ka_walk_flat(ev, K("requestObject", "spec", list, "securityContext", "capabilities", "add"), \
                            ref->index, out);                                                               \
    }

CFIELDS(c, "containers")
CFIELDS(ic, "initContainers")
CFIELDS(ec, "ephemeralContainers")

/* host_port exists for containers and initContainers only (as upstream). */
static int c_hostport(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    return ka_host_ports(ev, "containers", ref->index, out);
}

static int ic_hostport(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    return ka_host_ports(ev, "initContainers", ref->index, out);
}

static int f_container_image(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (!ka_images(ev, "containers", 0, false, out)) {
        return 0;
    }
    return th_fx_set_sv(out, out->u.list.v[0]);
}

static int f_container_repo(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    if (!ka_images(ev, "containers", 0, true, out)) {
        return 0;
    }
    return th_fx_set_sv(out, out->u.list.v[0]);
}

static int f_container_privileged(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    TH_FX_UNUSED(ref);
    struct ka_nodes nodes = {0};
    if (!ka_walk_root(ev, K("requestObject", "spec", "containers", "securityContext", "privileged"), -1, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        if (nodes.v[i] != TH_JNONE && th_json_type(ev->doc, nodes.v[i]) == TH_J_TRUE) {
            return th_fx_set_lit(out, "true");
        }
    }
    return th_fx_set_lit(out, "false");
}

/* ---- volumes ---- */

static int f_vol_hostpath(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    return ka_walk_list(ev, K("requestObject", "spec", "volumes", "hostPath", "path"), ref->index, out);
}

static int f_vol_flexdriver(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    return ka_walk_list(ev, K("requestObject", "spec", "volumes", "flexVolume", "driver"), ref->index, out);
}

/* Keys other than "name" of every volume object. */
static int f_vol_type(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    struct th_fx_list l = {0};
    const struct th_json *doc = ev->doc;
    if (!ka_walk_root(ev, K("requestObject", "spec", "volumes", ""), ref->index, &nodes)) {
        return 0;
    }
    for (size_t i = 0; i < nodes.n; i++) {
        uint32_t o = nodes.v[i];
        if (o == TH_JNONE || th_json_type(doc, o) != TH_J_OBJECT) {
            continue;
        }
        for (uint32_t k = th_json_first(doc, o); k != TH_JNONE; k = th_json_next(doc, k + 1, o)) {
            struct th_sv key;
            if (th_fx_strview(ev, k, &key) && !th_fx_sv_eq(key, "name")) {
                th_fx_list_push(ev, &l, key);
            }
        }
    }
    return th_fx_set_list(-1, &l, out);
}

/* "true" if any volume's hostPath equals the key (prefix match when the key ends with '*'), else "false". */
static int f_volume_hostpath(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    struct ka_nodes nodes = {0};
    if (!ref->key || !ka_walk_root(ev, K("requestObject", "spec", "volumes", "hostPath", "path"), -1, &nodes)) {
        return 0;
    }
    size_t kn = ref->keylen;
    bool prefix = kn > 0 && ref->key[kn - 1] == '*';
    for (size_t i = 0; i < nodes.n; i++) {
        struct th_sv s;
        if (nodes.v[i] == TH_JNONE) {
            continue;
        }
        s = th_fx_render(ev, nodes.v[i]);
        if ((prefix && s.n >= kn - 1 && memcmp(s.p, ref->key, kn - 1) == 0) ||
            (s.n == kn && memcmp(s.p, ref->key, kn) == 0)) {
            return th_fx_set_lit(out, "true");
        }
    }
    return th_fx_set_lit(out, "false");
}

/* ---- the table ---- */

#define S TH_FT_STR
#define L TH_FT_STRLIST
#define IDX TH_FF_ARG_INDEX
#define KEYREQ (TH_FF_ARG_KEY | TH_FF_ARG_REQUIRED)
#define DEP TH_FF_DEPRECATED

#define CROWS(pfx, list, what)                                                                                          \
    {"ka.req.pod." list ".name", KA, L, IDX, what " names", "When the request object refers to a pod, the " what " names.", pfx##_name}, \
    {"ka.req.pod." list ".image", KA, L, IDX, what " images", "When the request object refers to a pod, the " what " images.", pfx##_image}, \
    {"ka.req.pod." list ".image.repository", KA, L, IDX, what " image repositories", "The same as ka.req.pod." list ".image, but only the repository part (e.g. falcosecurity/falco). Deviation: a registry port (reg:5000/app) is kept.", pfx##_repo}, \
    {"ka.req.pod." list ".command", KA, L, IDX, what " commands", "When the request object refers to a pod, the " what " commands (each joined with spaces).", pfx##_command}, \
    {"ka.req.pod." list ".args", KA, L, IDX, what " args", "When the request object refers to a pod, the " what " args (each joined with spaces).", pfx##_args}, \
    {"ka.req.pod." list ".privileged", KA, L, IDX, what " privileged", "When the request object refers to a pod, the value of the privileged flag for all " what ".", pfx##_privileged}, \
    {"ka.req.pod." list ".allow_privilege_escalation", KA, L, IDX, what " allowPrivilegeEscalation", "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all " what ".", pfx##_ape}, \
    {"ka.req.pod." list ".read_only_fs", KA, L, IDX, what " readOnlyRootFilesystem", "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all " what ".", pfx##_rofs}, \
    {"ka.req.pod." list ".run_as_user", KA, L, IDX, what " runAsUser", "When the request object refers to a pod, the runAsUser uid for all " what ".", pfx##_runasuser}, \
    {"ka.req.pod." list ".eff_run_as_user", KA, L, IDX, what " effective uid", "When the request object refers to a pod, the initial uid that will be used for all " what ": the container's, else the pod's, else 0. Deviation: with [i] the fallback applies too (the plugin returns nothing).", pfx##_effuser}, \
    {"ka.req.pod." list ".run_as_group", KA, L, IDX, what " runAsGroup", "When the request object refers to a pod, the runAsGroup gid for all " what ".", pfx##_runasgroup}, \
    {"ka.req.pod." list ".eff_run_as_group", KA, L, IDX, what " effective gid", "When the request object refers to a pod, the initial gid that will be used for all " what ": the container's, else the pod's, else 0. Deviation: with [i] the fallback applies too (the plugin returns nothing).", pfx##_effgroup}, \
    {"ka.req.pod." list ".proc_mount", KA, L, IDX, what " procMount", "When the request object refers to a pod, the procMount types for all " what ".", pfx##_procmount}, \
    {"ka.req.pod." list ".add_capabilities", KA, L, IDX, what " added capabilities", "When the request object refers to a pod, all capabilities to add for the " what ". Deviation: one element per capability (the plugin yields each container's list as one JSON text).", pfx##_caps}

const struct th_field_def th_ka_fields[] = {
    {"ka.auditid", KA, S, 0, "Audit ID", "The unique id of the audit event", f_auditid},
    {"ka.stage", KA, S, 0, "Stage", "Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)", f_stage},
    {"ka.auth.decision", KA, S, 0, "Authorization Decision", "The authorization decision", f_auth_decision},
    {"ka.auth.reason", KA, S, 0, "Authorization Reason", "The authorization reason", f_auth_reason},
    {"ka.auth.openshift.decision", KA, S, 0, "OpenShift Decision", "The authentication decision of the openshift apiserver extension. Only available on openshift clusters", f_os_decision},
    {"ka.validations.admission.policy.failure", KA, S, 0, "Admission Policy Failure", "The validation failure reason from a Validation Admission Policy", f_vap_failure},
    {"ka.security.pod.violations", KA, S, 0, "Pod Security Violations", "The violation reason for pod security policy", f_pod_violations},
    {"ka.auth.openshift.username", KA, S, 0, "OpenShift User Name", "The user name performing the openshift authentication operation. Only available on openshift clusters", f_os_username},
    {"ka.user.name", KA, S, 0, "User Name", "The user name performing the request", f_user_name},
    {"ka.user.groups", KA, L, 0, "User Groups", "The groups to which the user belongs", f_user_groups},
    {"ka.impuser.name", KA, S, 0, "Impersonated User", "The impersonated user name", f_impuser_name},
    {"ka.verb", KA, S, 0, "Verb", "The action being performed", f_verb},
    {"ka.uri", KA, S, 0, "Request URI", "The request URI as sent from client to server", f_uri},
    {"ka.uri.param", KA, S, KEYREQ, "URI Parameter", "The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val).", f_uri_param},
    {"ka.target.name", KA, S, 0, "Target Name", "The target object name", f_target_name},
    {"ka.target.namespace", KA, S, 0, "Target Namespace", "The target object namespace", f_target_namespace},
    {"ka.target.resource", KA, S, 0, "Target Resource", "The target object resource", f_target_resource},
    {"ka.target.subresource", KA, S, 0, "Target Subresource", "The target object subresource", f_target_subresource},
    {"ka.target.pod.name", KA, S, 0, "Target Pod Name", "The target pod name (responseObject.metadata.name when the target is a pod without subresource)", f_target_pod_name},
    {"ka.req.binding.subjects", KA, L, 0, "Binding Subjects", "When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding", f_binding_subjects},
    {"ka.req.binding.subjects.user_names", KA, L, 0, "Binding User Names", "When the request object refers to a cluster role binding, the subject user names being linked by the binding", f_subj_users},
    {"ka.req.binding.subjects.serviceaccount_names", KA, L, 0, "Binding Service Accounts", "When the request object refers to a cluster role binding, the subject service account names being linked by the binding", f_subj_sas},
    {"ka.req.binding.subjects.serviceaccount_ns_names", KA, L, 0, "Binding Namespaced Service Accounts", "When the request object refers to a cluster role binding, the subject serviceaccount namespaced names being linked by the binding, e.g. a list containing: mynamespace:myserviceaccount", f_subj_sa_ns},
    {"ka.req.binding.subjects.group_names", KA, L, 0, "Binding Group Names", "When the request object refers to a cluster role binding, the subject group names being linked by the binding", f_subj_groups},
    {"ka.req.binding.role", KA, S, 0, "Binding Role", "When the request object refers to a cluster role binding, the role being linked by the binding", f_binding_role},
    {"ka.req.binding.subject.has_name", KA, S, KEYREQ | DEP, "Binding Subject Has Name", "Deprecated, always \"true\" (as the plugin's code). Only provided for backwards compatibility", f_subject_has_name},
    {"ka.req.configmap.name", KA, S, 0, "ConfigMap Name", "If the request object refers to a configmap, the configmap name", f_configmap_name},
    {"ka.req.configmap.obj", KA, S, 0, "ConfigMap Data", "If the request object refers to a configmap, the entire configmap object", f_configmap_obj},
    {"ka.req.pod.containers.args", KA, L, IDX, "Container Args", "When the request object refers to a pod, the container's args (each joined with spaces).", c_args},
    {"ka.req.pod.containers.command", KA, L, IDX, "Container Commands", "When the request object refers to a pod, the container's command (each joined with spaces).", c_command},
    {"ka.req.pod.containers.name", KA, L, IDX, "Container Names", "When the request object refers to a pod, the container's names.", c_name},
    {"ka.req.pod.containers.image", KA, L, IDX, "Container Images", "When the request object refers to a pod, the container's images.", c_image},
    {"ka.req.container.image", KA, S, DEP, "Container Image", "Deprecated by ka.req.pod.containers.image. Returns the image of the first container only", f_container_image},
    {"ka.req.pod.containers.image.repository", KA, L, IDX, "Container Repositories", "The same as ka.req.pod.containers.image, but only the repository part (e.g. falcosecurity/falco). Deviation: a registry port (reg:5000/app) is kept.", c_repo},
    {"ka.req.container.image.repository", KA, S, DEP, "Container Repository", "Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only", f_container_repo},
    {"ka.req.pod.host_ipc", KA, S, 0, "Host IPC", "When the request object refers to a pod, the value of the hostIPC flag.", f_host_ipc},
    {"ka.req.pod.host_network", KA, S, 0, "Host Network", "When the request object refers to a pod, the value of the hostNetwork flag.", f_host_network},
    {"ka.req.container.host_network", KA, S, DEP, "Host Network", "Deprecated alias for ka.req.pod.host_network", f_host_network},
    {"ka.req.pod.host_pid", KA, S, 0, "Host PID", "When the request object refers to a pod, the value of the hostPID flag.", f_host_pid},
    {"ka.req.pod.containers.host_port", KA, L, IDX, "Container Host Ports", "When the request object refers to a pod, all container's hostPort values (containerPort when no hostPort).", c_hostport},
    {"ka.req.pod.containers.privileged", KA, L, IDX, "Containers Privileged", "When the request object refers to a pod, the value of the privileged flag for all containers.", c_privileged},
    {"ka.req.container.privileged", KA, S, DEP, "Container Privileged", "Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true", f_container_privileged},
    {"ka.req.pod.containers.allow_privilege_escalation", KA, L, IDX, "Containers allowPrivilegeEscalation", "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all containers", c_ape},
    {"ka.req.pod.containers.read_only_fs", KA, L, IDX, "Containers readOnlyRootFilesystem", "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all containers", c_rofs},
    {"ka.req.pod.run_as_user", KA, S, 0, "Pod runAsUser", "When the request object refers to a pod, the runAsUser uid specified in the security context for the pod. See ....containers.run_as_user for the runAsUser for individual containers", f_pod_run_as_user},
    {"ka.req.pod.containers.run_as_user", KA, L, IDX, "Containers runAsUser", "When the request object refers to a pod, the runAsUser uid for all containers", c_runasuser},
    {"ka.req.pod.containers.eff_run_as_user", KA, L, IDX, "Containers effective uid", "When the request object refers to a pod, the initial uid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified. Deviation: with [i] the fallback applies too (the plugin returns nothing).", c_effuser},
    {"ka.req.pod.run_as_group", KA, S, 0, "Pod runAsGroup", "When the request object refers to a pod, the runAsGroup gid specified in the security context for the pod. See ....containers.run_as_group for the runAsGroup for individual containers", f_pod_run_as_group},
    {"ka.req.pod.containers.run_as_group", KA, L, IDX, "Containers runAsGroup", "When the request object refers to a pod, the runAsGroup gid for all containers", c_runasgroup},
    {"ka.req.pod.containers.eff_run_as_group", KA, L, IDX, "Containers effective gid", "When the request object refers to a pod, the initial gid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified. Deviation: with [i] the fallback applies too (the plugin returns nothing).", c_effgroup},
    {"ka.req.pod.containers.proc_mount", KA, L, IDX, "Containers procMount", "When the request object refers to a pod, the procMount types for all containers", c_procmount},
    {"ka.req.role.rules", KA, L, 0, "Role Rules", "When the request object refers to a role/cluster role, the rules associated with the role", f_role_rules},
    {"ka.req.role.rules.apiGroups", KA, L, IDX, "Role API Groups", "When the request object refers to a role/cluster role, the api groups associated with the role's rules", f_rules_apigroups},
    {"ka.req.role.rules.nonResourceURLs", KA, L, IDX, "Role Non-Resource URLs", "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules", f_rules_nonresourceurls},
    {"ka.req.role.rules.verbs", KA, L, IDX, "Role Verbs", "When the request object refers to a role/cluster role, the verbs associated with the role's rules", f_rules_verbs},
    {"ka.req.role.rules.resources", KA, L, IDX, "Role Resources", "When the request object refers to a role/cluster role, the resources associated with the role's rules", f_rules_resources},
    {"ka.req.pod.fs_group", KA, S, 0, "Pod fsGroup", "When the request object refers to a pod, the fsGroup gid specified by the security context.", f_pod_fs_group},
    {"ka.req.pod.supplemental_groups", KA, L, 0, "Pod Supplemental Groups", "When the request object refers to a pod, the supplementalGroup gids specified by the security context.", f_supplemental_groups},
    {"ka.req.pod.containers.add_capabilities", KA, L, IDX, "Containers Added Capabilities", "When the request object refers to a pod, all capabilities to add when running the container. Deviation: one element per capability (the plugin yields each container's list as one JSON text).", c_caps},
    {"ka.req.service.type", KA, S, 0, "Service Type", "When the request object refers to a service, the service type", f_service_type},
    {"ka.req.service.ports", KA, L, IDX, "Service Ports", "When the request object refers to a service, the service's ports (each as compact JSON). Deviation: one element per port, [i] selects port i (the plugin yields the whole array as one element).", f_service_ports},
    {"ka.req.pod.volumes.hostpath", KA, L, IDX, "Volume Host Paths", "When the request object refers to a pod, all hostPath paths specified for all volumes", f_vol_hostpath},
    {"ka.req.volume.hostpath", KA, S, KEYREQ | DEP, "Volume Host Path", "Deprecated by ka.req.pod.volumes.hostpath. Return true if the provided (host) path prefix is used by any volume. Deviation: every volume is checked (the plugin only checks the first).", f_volume_hostpath},
    {"ka.req.pod.volumes.flexvolume_driver", KA, L, IDX, "Volume Flexvolume Drivers", "When the request object refers to a pod, all flexvolume drivers specified for all volumes", f_vol_flexdriver},
    {"ka.req.pod.volumes.volume_type", KA, L, IDX, "Volume Types", "When the request object refers to a pod, all volume types for all volumes", f_vol_type},
    {"ka.resp.name", KA, S, 0, "Response Object Name", "The response object name", f_resp_name},
    {"ka.response.code", KA, S, 0, "Response Code", "The response code", f_response_code},
    {"ka.response.reason", KA, S, 0, "Response Reason", "The response reason (usually present only for failures)", f_response_reason},
    {"ka.useragent", KA, S, 0, "User Agent", "The useragent of the client who made the request to the apiserver", f_useragent},
    {"ka.sourceips", KA, L, IDX, "Source IPs", "The IP addresses of the client who made the request to the apiserver. Deviation: reads the top-level sourceIPs (the plugin looks under requestObject.rules and is always absent, plugins#236).", f_sourceips},
    {"ka.cluster.name", KA, S, 0, "Cluster Name", "The name of the k8s cluster (annotation cluster_name)", f_cluster_name},
    CROWS(ic, "initContainers", "init containers"),
    {"ka.req.pod.initContainers.host_port", KA, L, IDX, "init containers host ports", "When the request object refers to a pod, all init containers hostPort values (containerPort when no hostPort).", ic_hostport},
    CROWS(ec, "ephemeralContainers", "ephemeral containers"),
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
