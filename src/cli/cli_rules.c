/* cli_rules.c - loading and compiling the rules a command asked for (-r PATH..., or the bundled rules/).
 * Invariant: diagnostics are printed once, here, in the project's one style (text or JSON). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "th_buf.h"
#include "th_cli.h"
#include "th_eval.h"
#include "th_rules.h"

#ifndef TH_SOURCE_DIR
#define TH_SOURCE_DIR "."
#endif

/* <prefix>/share/trailhound/rules for a binary at <prefix>/bin/trailhound: where `cmake --install` puts the
 * bundle. Built from the binary's resolved path (/proc/self/exe), so no '..' shows in rule locations. */
static const char *installed_rules(void)
{
    static char path[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) {
        return NULL;
    }
    *slash = '\0';
    char *slash2 = strrchr(exe, '/'); /* <prefix>/bin -> <prefix> */
    if (!slash2) {
        return NULL;
    }
    *slash2 = '\0';
    int len = snprintf(path, sizeof path, "%s/share/trailhound/rules", exe[0] ? exe : "");
    return len > 0 && (size_t)len < sizeof path ? path : NULL;
}

/* The first that exists: $TRAILHOUND_RULES, ./rules, the installed bundle next to the binary, the source tree's
 * rules/ (a build tree), /usr/share/trailhound/rules. */
const char *th_cli_default_rules(void)
{
    const char *candidates[] = {"rules", installed_rules(), TH_SOURCE_DIR "/rules", "/usr/share/trailhound/rules"};
    const char *env = getenv("TRAILHOUND_RULES");
    struct stat st;
    if (env && *env) {
        return env;
    }
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        if (candidates[i] && stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode)) {
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

struct pathv {
    char **v;
    size_t n, cap;
};

static int has_yaml_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Collects the rules files under dir, recursively (hidden entries skipped). */
static void collect(const char *dir, struct pathv *out, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d || depth > 16) {
        if (d) {
            closedir(d);
        }
        return;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.') {
            continue;
        }
        char *p = th_xasprintf("%s/%s", dir, e->d_name);
        if (stat(p, &st) != 0) {
            free(p); /* a dangling link: th_rules_load_file would only report it as unreadable */
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            collect(p, out, depth + 1);
            free(p);
        } else if (S_ISREG(st.st_mode) && has_yaml_ext(e->d_name)) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 32;
                out->v = th_xrealloc(out->v, out->cap * sizeof *out->v);
            }
            out->v[out->n++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory loads every *.yaml / *.yml below it, recursively, in sorted path order (deterministic). */
static void load_path(struct th_rule_set *set, const char *path, struct th_err *err)
{
    struct stat st;
    struct pathv files = {0};
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        th_rules_load_path(set, path, err);
        return;
    }
    collect(path, &files, 0);
    qsort(files.v, files.n, sizeof *files.v, cmp_str);
    for (size_t i = 0; i < files.n; i++) {
        th_rules_load_file(set, files.v[i], err);
        free(files.v[i]);
    }
    free(files.v);
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
        load_path(set, paths[i], err);
    }
    return set;
}
