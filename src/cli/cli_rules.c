/* cli_rules.c - loading and compiling the rules a command asked for (-r PATH..., or the bundled rules/).
 * Invariant: diagnostics are printed once, here, in the project's one style (text or JSON). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "th_cli.h"
#include "th_eval.h"
#include "th_rules.h"

#ifndef TH_SOURCE_DIR
#define TH_SOURCE_DIR "."
#endif

const char *th_cli_default_rules(void)
{
    static const char *const candidates[] = {"rules", TH_SOURCE_DIR "/rules", "/usr/share/trailhound/rules", NULL};
    const char *env = getenv("TRAILHOUND_RULES");
    struct stat st;
    if (env && *env) {
        return env;
    }
    for (size_t i = 0; candidates[i]; i++) {
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            return candidates[i];
        }
    }
    return TH_SOURCE_DIR "/rules";
}

void th_cli_print_diags(const struct th_err *err, int json)
{
    if (json) {
        th_err_print_json(stdout, err);
    } else {
        th_err_print(stderr, err);
    }
}

struct th_rule_set *th_cli_load_rules(const char *const *paths, size_t n, struct th_err *err)
{
    struct th_rule_set *set = th_rules_new();
    const char *def = th_cli_default_rules();
    if (n == 0) {
        paths = &def;
        n = 1;
    }
    for (size_t i = 0; i < n; i++) {
        th_rules_load_path(set, paths[i], err);
    }
    return set;
}
