/* test_mitre.c - the ATT&CK table (order, integrity, v19 tactics) and tag resolution (every tag style,
 * warnings for unknown and deprecated ids, sorting, ASFF Types text, and every ATT&CK tag of the Sigma corpus). */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "th_buf.h"
#include "th_mitre.h"
#include "th_test.h"

/* Resolves a NULL-terminated list of tags; returns the warnings in *warn (caller frees). */
static void resolve(struct th_mitre_set *s, struct th_err *warn, const char *const *tags)
{
    size_t n = 0;
    while (tags[n]) {
        n++;
    }
    th_err_init(warn);
    th_mitre_from_tags(tags, n, s, warn);
}

/* "TA0001,TA0003" of a set's tactics or techniques, for compact checks. */
static const char *ids(const struct th_mitre_ref *r, size_t n)
{
    static char buf[512];
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            strcat(buf, ",");
        }
        strcat(buf, r[i].id);
    }
    return buf;
}

static bool warned(const struct th_err *e, enum th_code code, const char *needle)
{
    for (size_t i = 0; i < e->n; i++) {
        if (e->v[i].code == code && e->v[i].sev == TH_SEV_WARNING && strstr(e->v[i].msg, needle)) {
            return true;
        }
    }
    return false;
}

TH_TEST(test_technique_and_alias_tables_are_sorted_unique_and_consistent)
{
    for (size_t i = 1; i < th_mitre_ntechniques; i++) {
        if (strcmp(th_mitre_techniques[i - 1].id, th_mitre_techniques[i].id) >= 0) {
            th_test_fail(__FILE__, __LINE__, "techniques out of order at %s", th_mitre_techniques[i].id);
        }
    }
    for (size_t i = 0; i < th_mitre_ntechniques; i++) {
        const struct th_mitre_technique *t = &th_mitre_techniques[i];
        TH_CHECK(t->tactics != 0);
        TH_CHECK(t->tactics < (1u << TH_MITRE_NTACTICS));
        if (strchr(t->id, '.') && !th_mitre_parent(t)) {
            th_test_fail(__FILE__, __LINE__, "%s has no parent technique", t->id);
        }
    }
    for (size_t i = 0; i < th_mitre_naliases; i++) {
        const struct th_mitre_alias *a = &th_mitre_aliases[i];
        if (i > 0 && strcmp(th_mitre_aliases[i - 1].old_id, a->old_id) >= 0) {
            th_test_fail(__FILE__, __LINE__, "aliases out of order at %s", a->old_id);
        }
        if (!th_mitre_technique_by_id(a->new_id, strlen(a->new_id))) {
            th_test_fail(__FILE__, __LINE__, "alias %s points to unknown %s", a->old_id, a->new_id);
        }
        if (th_mitre_technique_by_id(a->old_id, strlen(a->old_id))) {
            th_test_fail(__FILE__, __LINE__, "alias %s is also a current technique", a->old_id);
        }
    }
    TH_CHECK(th_mitre_ntechniques > 600);
}

TH_TEST(test_the_table_has_the_fifteen_v19_tactics_with_stealth_keeping_ta0005)
{
    TH_CHECK_INT(TH_MITRE_NTACTICS, 15);
    TH_CHECK_STR(th_mitre_tactic_by_id("TA0005", 6)->name, "Stealth");
    TH_CHECK_STR(th_mitre_tactic_by_id("ta0112", 6)->name, "Defense Impairment");
    TH_CHECK_STR(th_mitre_tactic_by_slug("Command and Control", 19)->id, "TA0011");
    TH_CHECK(th_mitre_tactic_by_slug("defense-evasion", 15) == NULL);
    TH_CHECK_STR(th_mitre_technique_by_id("T1078.004", 9)->name, "Cloud Accounts");
    TH_CHECK_STR(th_mitre_technique_by_id("T1685.002", 9)->name, "Disable or Modify Cloud Log");
    TH_CHECK(th_mitre_technique_by_id("T1562", 5) == NULL);
}

TH_TEST(test_falco_tactic_tag_resolves_and_other_tags_are_ignored)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"maturity_stable", "aws", "mitre_credential_access", "T1555", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0006");
    TH_CHECK_STR(s.tactics[0].name, "Credential Access");
    TH_CHECK_STR(ids(s.techniques, s.ntechniques), "T1555");
    TH_CHECK_STR(s.techniques[0].name, "Credentials from Password Stores");
    TH_CHECK_INT(w.n, 0);
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_bare_ids_resolve_in_any_case)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"t1078.004", " TA0001 ", "ta0003", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0001,TA0003");
    TH_CHECK_STR(ids(s.techniques, s.ntechniques), "T1078.004");
    TH_CHECK_STR(s.techniques[0].name, "Cloud Accounts");
    TH_CHECK_STR(s.techniques[0].parent, "Valid Accounts");
    TH_CHECK_INT(w.n, 0);
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_sigma_tags_resolve_with_dash_or_underscore_slugs)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w,
            (const char *const[]){"attack.t1530", "attack.TA0009", "attack.defense-impairment",
                                  "attack.credential_access", "attack.t1552.005", "attack.g0016", "attack.s0002",
                                  "detection.threat-hunting", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0006,TA0009,TA0112");
    TH_CHECK_STR(ids(s.techniques, s.ntechniques), "T1530,T1552.005");
    TH_CHECK_INT(w.n, 0);
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_falco_pr1689_style_tags_resolve)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w,
            (const char *const[]){"mitre_TA0002_execution", "mitre_T1609_container_administration_command",
                                  "mitre_T1552.007_container_api", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0002");
    TH_CHECK_STR(ids(s.techniques, s.ntechniques), "T1552.007,T1609");
    TH_CHECK_INT(w.n, 0);
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_every_mitre_tag_of_the_falco_pr1689_reference_resolves)
{
    const char *path = TH_SHARED_DIR "/corpus/falco/reference/k8s_audit_rules_mitre_tags_PR1689_unmerged_2021.yaml";
    size_t len, n = 0;
    char *text = th_test_read_file(path, &len);
    if (!text) {
        TH_SKIP("../shared is absent");
    }
    for (char *p = strstr(text, "mitre_"); p; p = strstr(p + 1, "mitre_")) {
        char tag[128];
        size_t k = 0;
        while (k + 1 < sizeof tag && (isalnum((unsigned char)p[k]) || strchr("_.-", p[k]))) {
            tag[k] = p[k];
            k++;
        }
        tag[k] = 0;
        if (strstr(tag, "PR1689") || strcmp(tag, "mitre_tags_") == 0) {
            continue;
        }
        const char *t = tag;
        struct th_mitre_set s;
        struct th_err w;
        th_err_init(&w);
        th_mitre_from_tags(&t, 1, &s, &w);
        n++;
        if (w.n && w.v[0].code == TH_W_MITRE) {
            th_test_fail(__FILE__, __LINE__, "%s", w.v[0].msg);
        }
        TH_CHECK(s.ntactics > 0);
        th_mitre_set_free(&s);
        th_err_free(&w);
    }
    free(text);
    TH_CHECK(n > 40);
}

TH_TEST(test_a_technique_implies_its_tactics_only_when_no_tactic_is_tagged)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"T1078.004", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0001,TA0003,TA0004,TA0005");
    th_mitre_set_free(&s);
    th_err_free(&w);
    resolve(&s, &w, (const char *const[]){"T1078.004", "mitre_initial_access", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0001");
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_unknown_attack_ids_warn_naming_the_tag)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"T9999", "attack.ta0099", "mitre_data_destruction", "T12345", NULL});
    TH_CHECK_INT(s.ntactics + s.ntechniques, 0);
    TH_CHECK_INT(w.n, 4);
    TH_CHECK(warned(&w, TH_W_MITRE, "'T9999'"));
    TH_CHECK(warned(&w, TH_W_MITRE, "'attack.ta0099'"));
    TH_CHECK(warned(&w, TH_W_MITRE, "'mitre_data_destruction'"));
    TH_CHECK(warned(&w, TH_W_MITRE, "malformed ATT&CK id in tag 'T12345'"));
    TH_CHECK_INT(w.warnings, 4);
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_a_revoked_id_maps_to_its_current_id_with_a_deprecation_warning)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"T1562.008", "attack.t1086", NULL});
    TH_CHECK_STR(ids(s.techniques, s.ntechniques), "T1059.001,T1685.002");
    TH_CHECK_INT(w.n, 2);
    TH_CHECK(warned(&w, TH_W_DEPRECATED, "use T1685.002 (Disable or Modify Cloud Log)"));
    TH_CHECK(warned(&w, TH_W_DEPRECATED, "use T1059.001 (PowerShell)"));
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_legacy_defense_evasion_follows_the_rules_techniques)
{
    struct th_mitre_set s;
    struct th_err w;
    resolve(&s, &w, (const char *const[]){"mitre_defense_evasion", "T1562.008", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0112");
    TH_CHECK(warned(&w, TH_W_DEPRECATED, "mitre_defense_impairment"));
    th_mitre_set_free(&s);
    th_err_free(&w);
    resolve(&s, &w, (const char *const[]){"mitre_TA0005_defense_evasion", "mitre_T1036_masquerading", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0005");
    TH_CHECK(warned(&w, TH_W_DEPRECATED, "Defense Evasion"));
    th_mitre_set_free(&s);
    th_err_free(&w);
    resolve(&s, &w, (const char *const[]){"attack.defense_evasion", NULL});
    TH_CHECK_STR(ids(s.tactics, s.ntactics), "TA0005");
    TH_CHECK(warned(&w, TH_W_DEPRECATED, "Stealth (TA0005)"));
    th_mitre_set_free(&s);
    th_err_free(&w);
}

TH_TEST(test_output_is_sorted_and_deduplicated_whatever_the_tag_order)
{
    struct th_mitre_set a, b;
    struct th_err w;
    resolve(&a, &w, (const char *const[]){"T1530", "mitre_exfiltration", "T1078", "t1530", "attack.t1078",
                                          "attack.collection", NULL});
    th_err_free(&w);
    resolve(&b, &w, (const char *const[]){"attack.collection", "T1078", "mitre_exfiltration", "T1530", NULL});
    th_err_free(&w);
    TH_CHECK_STR(ids(a.tactics, a.ntactics), "TA0009,TA0010");
    TH_CHECK_STR(ids(a.techniques, a.ntechniques), "T1078,T1530");
    TH_CHECK_STR(ids(b.techniques, b.ntechniques), "T1078,T1530");
    TH_CHECK_INT(a.ntactics, b.ntactics);
    th_mitre_set_free(&a);
    th_mitre_set_free(&b);
}

static char *joined_types(const char *const *tags)
{
    struct th_mitre_set s;
    struct th_err w;
    struct th_buf out;
    size_t n = 0;
    resolve(&s, &w, tags);
    char **types = th_mitre_asff_types(&s, &n);
    th_buf_init(&out);
    for (size_t i = 0; i < n; i++) {
        th_buf_printf(&out, "%s%s", i ? "|" : "", types[i]);
    }
    TH_CHECK(types[n] == NULL);
    th_mitre_strv_free(types);
    th_mitre_set_free(&s);
    th_err_free(&w);
    if (!out.data) {
        th_buf_puts(&out, "");
    }
    return th_buf_take(&out);
}

TH_TEST(test_asff_types_name_the_ttp_category_and_technique)
{
    char *t = joined_types((const char *const[]){"mitre_defense_impairment", "T1685.002", NULL});
    TH_CHECK_STR(t, "TTPs/Defense Evasion/Disable or Modify Tools: Disable or Modify Cloud Log");
    free(t);
    t = joined_types((const char *const[]){"T1078.004", "mitre_persistence", "mitre_discovery", NULL});
    TH_CHECK_STR(t, "TTPs/Discovery|TTPs/Persistence/Valid Accounts: Cloud Accounts");
    free(t);
    t = joined_types((const char *const[]){"T1537", "T1496.001", NULL});
    TH_CHECK_STR(t, "Effects/Data Exfiltration|Effects/Resource Consumption");
    free(t);
    t = joined_types((const char *const[]){"aws", NULL});
    TH_CHECK_STR(t, "");
    free(t);
}

/* Every attack.* tag of the Sigma CloudTrail and k8s audit rules resolves without an unknown-id warning. */
static void check_sigma_dir(const char *dir, size_t *ntags)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) {
        th_test_fail(__FILE__, __LINE__, "cannot open %s", dir);
        return;
    }
    while ((e = readdir(d))) {
        char path[1024];
        size_t len;
        if (!strstr(e->d_name, ".yml")) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = th_test_read_file(path, &len);
        for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
            while (isspace((unsigned char)*line)) {
                line++;
            }
            if (strncmp(line, "- attack.", 9) != 0) {
                continue;
            }
            const char *tag = line + 2;
            struct th_mitre_set s;
            struct th_err w;
            th_err_init(&w);
            th_mitre_from_tags(&tag, 1, &s, &w);
            (*ntags)++;
            for (size_t i = 0; i < w.n; i++) {
                if (w.v[i].code == TH_W_MITRE) {
                    th_test_fail(__FILE__, __LINE__, "%s: %s", e->d_name, w.v[i].msg);
                }
            }
            th_mitre_set_free(&s);
            th_err_free(&w);
        }
        free(text);
    }
    closedir(d);
}

TH_TEST(test_every_attack_tag_of_the_sigma_corpus_resolves)
{
    /* TH_SHARED_DIR directly: th_test.c (built without the macro) falls back to a cwd-relative path. */
    struct stat st;
    if (stat(TH_SHARED_DIR "/corpus/sigma", &st) != 0) {
        TH_SKIP("../shared is absent");
    }
    size_t n = 0;
    check_sigma_dir(TH_SHARED_DIR "/corpus/sigma/rules/cloud/aws/cloudtrail", &n);
    check_sigma_dir(TH_SHARED_DIR "/corpus/sigma/rules/application/kubernetes/audit", &n);
    TH_CHECK(n > 100);
}

TH_RUN_TESTS()
