/* support_render.h - what several fuzz targets share. */
#ifndef TH_SUPPORT_RENDER_H
#define TH_SUPPORT_RENDER_H

#include "th_eval.h"

/* Evaluates ev with --match all and renders every match as text and JSON; aborts when a JSON detection does not
 * parse (jansson is the judge). */
void fuzz_evaluate_and_render(struct th_eval_ctx *ctx, const struct th_ruleset *rs, struct th_event *ev);

#endif
