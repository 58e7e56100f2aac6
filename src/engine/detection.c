/* detection.c - renders a detection once, in the two forms outputs use.
 * JSON carries Falco's alert keys (time, rule, priority, source, hostname, output, tags, output_fields) so Falco
 * consumers take it unchanged, plus trailhound's: mitre {tactics, techniques}, event {id, time, locator}, rule_file.
 * Invariant: the JSON object is valid UTF-8 JSON on one line whatever the event holds. */
#include <stdlib.h>
#include <string.h>

#include "th_engine.h"

static void json_str(struct th_buf *b, const char *s)
{
    th_buf_json_string(b, s, strlen(s));
}

static void json_refs(struct th_buf *b, const char *key, const struct th_mitre_ref *v, size_t n)
{
    th_buf_printf(b, "\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        th_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        json_str(b, v[i].id);
        th_buf_puts(b, ",\"name\":");
        if (v[i].parent) {
            char full[256];
            snprintf(full, sizeof full, "%s: %s", v[i].parent, v[i].name);
            json_str(b, full);
        } else {
            json_str(b, v[i].name);
        }
        th_buf_putc(b, '}');
    }
    th_buf_putc(b, ']');
}

/* The event's own id: eventID (CloudTrail) or auditID (k8s). */
static void json_event_id(struct th_buf *b, struct th_event *ev)
{
    const char *key = ev->kind == TH_SRC_K8S_AUDIT ? "auditID" : "eventID";
    uint32_t n = th_json_getz(ev->doc, ev->root, key);
    if (n == TH_JNONE || th_json_type(ev->doc, n) != TH_J_STRING) {
        th_buf_puts(b, "null");
        return;
    }
    th_json_compact(ev->doc, n, b);
}

static void event_time(struct th_event *ev, char *out, size_t n)
{
    if (ev->time_ns) {
        th_time_format_rfc3339(ev->time_ns, out, n);
    } else {
        snprintf(out, n, "1970-01-01T00:00:00.000000000Z");
    }
}

void th_detection_render(struct th_eval_ctx *ctx, const struct th_ruleset *rs, size_t rule, struct th_event *ev,
                         const char *hostname, struct th_buf *text, struct th_buf *json)
{
    const struct th_rule_info *ri = th_ruleset_rule(rs, rule);
    char when[48], where[1024];
    struct th_buf out;
    th_buf_init(&out);
    th_eval_render_text(ctx, rule, ev, &out);
    event_time(ev, when, sizeof when);
    th_locator_format(&ev->rec->loc, where, sizeof where);

    th_buf_clear(text);
    th_buf_printf(text, "%s: %s %s [rule '%s' at %s]", when, th_priority_name(ri->priority), out.data ? out.data : "",
                  ri->name, where);

    th_buf_clear(json);
    th_buf_puts(json, "{\"time\":");
    json_str(json, when);
    th_buf_puts(json, ",\"rule\":");
    json_str(json, ri->name);
    th_buf_puts(json, ",\"priority\":");
    json_str(json, th_priority_name(ri->priority));
    th_buf_puts(json, ",\"source\":");
    json_str(json, th_srckind_name(ri->source));
    th_buf_puts(json, ",\"hostname\":");
    json_str(json, hostname);
    th_buf_puts(json, ",\"output\":");
    th_buf_json_string(json, out.data ? out.data : "", out.len);
    th_buf_puts(json, ",\"tags\":[");
    for (size_t i = 0; i < ri->ntags; i++) {
        if (i) {
            th_buf_putc(json, ',');
        }
        json_str(json, ri->tags[i]);
    }
    th_buf_puts(json, "],\"output_fields\":");
    th_eval_render_fields_json(ctx, rule, ev, json);
    th_buf_puts(json, ",\"mitre\":{");
    json_refs(json, "tactics", ri->mitre ? ri->mitre->tactics : NULL, ri->mitre ? ri->mitre->ntactics : 0);
    th_buf_putc(json, ',');
    json_refs(json, "techniques", ri->mitre ? ri->mitre->techniques : NULL, ri->mitre ? ri->mitre->ntechniques : 0);
    th_buf_puts(json, "},\"event\":{\"id\":");
    json_event_id(json, ev);
    th_buf_puts(json, ",\"time\":");
    json_str(json, when);
    th_buf_puts(json, ",\"locator\":");
    json_str(json, where);
    th_buf_puts(json, "},\"rule_file\":");
    if (ri->file) {
        char *rf = th_xasprintf("%s:%u", ri->file, ri->line);
        json_str(json, rf);
        free(rf);
    } else {
        th_buf_puts(json, "null");
    }
    th_buf_putc(json, '}');
    th_buf_free(&out);
}
