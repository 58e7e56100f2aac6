/* main.c - trailhound's command dispatcher. Each command lives in cmd_<name>.c and exports
 * int th_cmd_<name>(int argc, char **argv) (argv[0] is the command name). No logic lives here. */
#include <stdio.h>
#include <string.h>

#include "th_cli.h"

static const struct th_command commands[] = {
    {"replay", th_cmd_replay, "read audit logs, evaluate rules, print detections and a summary"},
    {"fields", th_cmd_fields, "list every field with its type and description"},
    {"validate", th_cmd_validate, "check rules files and report every problem"},
    {"rules", th_cmd_rules, "list the loaded rules with their ATT&CK tactics and techniques (docs/DETECTIONS.md)"},
    {"test", th_cmd_test, "run rule test cases (events and the rules that must fire)"},
    {"version", th_cmd_version, "print the version"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: trailhound COMMAND [OPTIONS]\n\ncommands:\n");
    for (const struct th_command *c = commands; c->name; c++) {
        fprintf(f, "  %-10s %s\n", c->name, c->help);
    }
    fprintf(f, "\nRun 'trailhound COMMAND --help' (or 'trailhound help COMMAND') for a command's options.\n");
}

int th_cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("trailhound %s\n", TH_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "help")) {
        /* `trailhound help COMMAND` is `trailhound COMMAND --help` */
        for (const struct th_command *c = commands; c->name; c++) {
            if (!strcmp(argv[2], c->name)) {
                char *args[] = {argv[2], "--help", NULL};
                return c->fn(2, args);
            }
        }
        fprintf(stderr, "trailhound: unknown command '%s'\n", argv[2]);
        usage(stderr);
        return TH_EXIT_USAGE;
    }
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? TH_EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        return th_cmd_version(argc - 1, argv + 1);
    }
    for (const struct th_command *c = commands; c->name; c++) {
        if (!strcmp(argv[1], c->name)) {
            return c->fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "trailhound: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return TH_EXIT_USAGE;
}
