/* support_render.c - evaluation and rendering shared by fuzz_event and fuzz_rules.
 * Invariant: every detection trailhound renders as JSON is valid JSON. */
#include "support_render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "th_buf.h"
#include "th_engine.h"

void fuzz_evaluate_and_render(struct th_eval_ctx *ctx, const struct th_ruleset *rs, struct th_event *ev)
{
    const uint32_t *matched;
    size_t n = th_eval_event(ctx, ev, TH_MATCH_ALL, &matched);
    struct th_buf text, js;
    th_buf_init(&text);
    th_buf_init(&js);
    for (size_t i = 0; i < n; i++) {
        text.len = js.len = 0;
        th_detection_render(ctx, rs, matched[i], ev, "fuzz", &text, &js);
        json_error_t jerr;
        json_t *j = json_loadb(js.data, js.len, JSON_ALLOW_NUL, &jerr); /* an escaped NUL from the event is valid */
        if (!j) {
            fprintf(stderr, "invalid detection JSON (%s): %.*s\n", jerr.text, (int)js.len, js.data);
            abort();
        }
        json_decref(j);
    }
    th_buf_free(&text);
    th_buf_free(&js);
}
