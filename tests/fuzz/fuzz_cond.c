/* fuzz_cond.c - libFuzzer target: the condition parser on arbitrary text. A condition that parses must print
 * canonically, and the printed form must parse back and print identically (the printer and parser agree). */
#include <stdlib.h>
#include <string.h>

#include "cond_parser.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct th_err err;
    struct th_cond_src src = {(const char *)data, size, NULL, NULL};
    th_err_init(&err);
    struct th_cond_node *tree = th_cond_parse(&src, NULL, &err);
    if (tree) {
        char *once = th_cond_print(tree);
        struct th_cond_src src2 = {once, strlen(once), NULL, NULL};
        struct th_cond_node *again = th_cond_parse(&src2, NULL, &err);
        if (!again) {
            abort(); /* the canonical form does not parse */
        }
        char *twice = th_cond_print(again);
        if (strcmp(once, twice) != 0) {
            abort(); /* printing is not stable */
        }
        free(twice);
        th_cond_free(again);
        free(once);
        th_cond_free(tree);
    }
    th_err_free(&err);
    return 0;
}
