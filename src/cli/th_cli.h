/* th_cli.h - command table and exit codes shared by the cli/ files.
 * Exit codes (documented in README): 0 ok; 1 detections found with --fail-on-detection; 2 usage error;
 * 3 input problems (some records rejected) with --strict; 4 rules invalid; 5 runtime failure (a source or output failed). */
#ifndef TH_CLI_H
#define TH_CLI_H

enum {
    TH_EXIT_OK = 0,
    TH_EXIT_DETECTIONS = 1,
    TH_EXIT_USAGE = 2,
    TH_EXIT_INPUT = 3,
    TH_EXIT_RULES = 4,
    TH_EXIT_RUNTIME = 5,
};

struct th_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

int th_cmd_replay(int argc, char **argv);
int th_cmd_fields(int argc, char **argv);
int th_cmd_validate(int argc, char **argv);
int th_cmd_version(int argc, char **argv);
int th_cmd_test(int argc, char **argv);
int th_cmd_rules(int argc, char **argv);

struct th_err;
struct th_rule_set;
/* The bundled rules directory: $TRAILHOUND_RULES, ./rules, the source tree's rules/, /usr/share/trailhound/rules. */
const char *th_cli_default_rules(void);
/* Loads every path (files or directories, in order); none = the bundled rules. Diagnostics go to err. */
struct th_rule_set *th_cli_load_rules(const char *const *paths, size_t n, struct th_err *err);
/* Prints diagnostics: text on stderr, or a JSON array on stdout. */
void th_cli_print_diags(const struct th_err *err, int json);

#endif
