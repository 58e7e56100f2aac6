/* test_ka_fields.c - the k8saudit-plugin fields (ka.*) on small fixture audit events
 * (tests/fixtures/fields/ka_*.json): scalars, lists with [i], keyed fields, absent cases, documented deviations. */
#include <stdlib.h>

#include "support_fieldtest.h"
#include "th_test.h"

#define LOAD(fe, name)                                                                      \
    struct ft_event fe;                                                                     \
    if (!ft_load(&fe, "fields/" name)) {                                                    \
        ft_free(&fe);                                                                       \
        return;                                                                             \
    }

TH_TEST(test_request_metadata_fields_are_strings)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.auditid"), "a-pod-1");
    TH_CHECK_STR(ft_get(&fe, "ka.stage"), "ResponseComplete");
    TH_CHECK_STR(ft_get(&fe, "ka.verb"), "create");
    TH_CHECK_STR(ft_get(&fe, "ka.uri"),
                 "/api/v1/namespaces/prod/pods?fieldManager=kubectl-client-side-apply&dryRun=All&note=a%20b+c&empty=");
    TH_CHECK_STR(ft_get(&fe, "ka.useragent"), "kubectl/v1.29.0");
    TH_CHECK_STR(ft_get(&fe, "ka.user.name"), "alice");
    TH_CHECK_STR(ft_get(&fe, "ka.impuser.name"), "bob");
    TH_CHECK_STR(ft_get(&fe, "ka.target.name"), "web");
    TH_CHECK_STR(ft_get(&fe, "ka.target.namespace"), "prod");
    TH_CHECK_STR(ft_get(&fe, "ka.target.resource"), "pods");
    TH_CHECK(ft_get(&fe, "ka.target.subresource") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.resp.name"), "web");
    TH_CHECK(ft_get(&fe, "ka.response.reason") == NULL);
    ft_free(&fe);
}

TH_TEST(test_number_values_render_as_json_text)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.response.code"), "201");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.host_network"), "true");
    TH_CHECK_STR(ft_get(&fe, "ka.req.container.host_network"), "true");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.host_pid"), "false");
    TH_CHECK(ft_get(&fe, "ka.req.pod.host_ipc") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.run_as_user"), "1000");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.run_as_group"), "3000");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.fs_group"), "2000");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.supplemental_groups"), "(4000,5000)");
    ft_free(&fe);
}

TH_TEST(test_annotations_are_read_by_full_key)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.auth.decision"), "allow");
    TH_CHECK_STR(ft_get(&fe, "ka.auth.reason"), "RBAC: allowed by ClusterRoleBinding \"admins\"");
    TH_CHECK_STR(ft_get(&fe, "ka.security.pod.violations"),
                 "privileged (container \"app\" must not set securityContext.privileged=true)");
    TH_CHECK_STR(ft_get(&fe, "ka.cluster.name"), "prod-eu");
    TH_CHECK(ft_get(&fe, "ka.auth.openshift.decision") == NULL);
    ft_free(&fe);
    LOAD(g, "ka_exec_pod.json");
    TH_CHECK_STR(ft_get(&g, "ka.auth.openshift.decision"), "allow");
    TH_CHECK_STR(ft_get(&g, "ka.auth.openshift.username"), "alice@corp");
    TH_CHECK_STR(ft_get(&g, "ka.validations.admission.policy.failure"), "[{\"message\":\"denied\"}]");
    ft_free(&g);
}

TH_TEST(test_user_groups_and_source_ips_are_lists)
{
    LOAD(fe, "ka_pod_create.json");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "ka.user.groups", &v), 1);
    TH_CHECK_INT(v.type, TH_FT_STRLIST);
    TH_CHECK_STR(ft_get(&fe, "ka.user.groups"), "(system:authenticated,devs)");
    TH_CHECK_STR(ft_get(&fe, "ka.sourceips"), "(10.0.0.5,192.168.1.9)");
    TH_CHECK_STR(ft_get(&fe, "ka.sourceips[1]"), "(192.168.1.9)");
    TH_CHECK(ft_get(&fe, "ka.sourceips[2]") == NULL);
    ft_free(&fe);
}

TH_TEST(test_uri_param_decodes_the_first_value_of_a_query_key)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.uri.param[fieldManager]"), "kubectl-client-side-apply");
    TH_CHECK_STR(ft_get(&fe, "ka.uri.param[note]"), "a b c");
    TH_CHECK_STR(ft_get(&fe, "ka.uri.param[empty]"), "");
    TH_CHECK(ft_get(&fe, "ka.uri.param[missing]") == NULL);
    ft_free(&fe);
    LOAD(g, "ka_exec_pod.json");
    TH_CHECK_STR(ft_get(&g, "ka.uri.param[command]"), "sh");
    TH_CHECK_STR(ft_get(&g, "ka.uri.param[container]"), "app");
    ft_free(&g);
}

TH_TEST(test_uri_param_is_absent_for_a_malformed_query)
{
    struct ft_event fe;
    ft_load_text(&fe, "{\"auditID\":\"x\",\"requestURI\":\"/api?a=%zz&b=1\"}");
    TH_CHECK(ft_get(&fe, "ka.uri.param[b]") == NULL);
    ft_free(&fe);
}

TH_TEST(test_target_pod_name_needs_a_pod_without_subresource)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.target.pod.name"), "web");
    ft_free(&fe);
    LOAD(g, "ka_exec_pod.json");
    TH_CHECK_STR(ft_get(&g, "ka.target.subresource"), "exec");
    TH_CHECK(ft_get(&g, "ka.target.pod.name") == NULL);
    ft_free(&g);
}

TH_TEST(test_container_names_images_and_repositories)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.name"), "(app,sidecar)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.name[1]"), "(sidecar)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.containers.name[2]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.image"), "(registry.local:5000/team/app:1.2,nginx@sha256:0123abcd)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.image.repository"), "(registry.local:5000/team/app,nginx)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.container.image"), "registry.local:5000/team/app:1.2");
    TH_CHECK_STR(ft_get(&fe, "ka.req.container.image.repository"), "registry.local:5000/team/app");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.initContainers.image.repository"), "(busybox)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.ephemeralContainers.name"), "(debug)");
    ft_free(&fe);
}

TH_TEST(test_container_commands_and_args_are_joined_with_spaces)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.command"), "(/bin/app)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.args"), "(--port 8080)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.initContainers.command"), "(sh -c echo init)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.initContainers.args") == NULL);
    ft_free(&fe);
}

TH_TEST(test_container_list_fields_do_not_mix_container_kinds)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.privileged"), "(true)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.ephemeralContainers.privileged"), "(false)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.initContainers.privileged") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.initContainers.run_as_user"), "(0)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.ephemeralContainers.run_as_group"), "(7)");
    ft_free(&fe);
}

TH_TEST(test_security_context_lists_skip_containers_without_the_setting)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.allow_privilege_escalation"), "(true)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.read_only_fs"), "(false)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.run_as_user"), "(0)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.containers.run_as_group") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.proc_mount"), "(Unmasked)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.containers.privileged[1]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.privileged[0]"), "(true)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.container.privileged"), "true");
    ft_free(&fe);
}

TH_TEST(test_effective_ids_fall_back_to_the_pod_then_zero)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.eff_run_as_user"), "(0,1000)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.eff_run_as_user[1]"), "(1000)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.eff_run_as_group"), "(3000,3000)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.ephemeralContainers.eff_run_as_group"), "(7)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.ephemeralContainers.eff_run_as_user"), "(1000)");
    ft_free(&fe);
    struct ft_event g;
    ft_load_text(&g, "{\"auditID\":\"x\",\"requestObject\":{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}}");
    TH_CHECK_STR(ft_get(&g, "ka.req.pod.containers.eff_run_as_user"), "(0)");
    TH_CHECK_STR(ft_get(&g, "ka.req.container.privileged"), "false");
    ft_free(&g);
}

TH_TEST(test_added_capabilities_are_one_element_per_capability)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.add_capabilities"), "(NET_ADMIN,SYS_TIME)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.containers.add_capabilities[1]") == NULL);
    ft_free(&fe);
}

TH_TEST(test_host_ports_prefer_host_port_then_container_port)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.host_port"), "(80,9090,443)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.containers.host_port[1]"), "(443)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.initContainers.host_port") == NULL);
    ft_free(&fe);
}

TH_TEST(test_volume_fields_list_paths_drivers_and_types)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.volumes.hostpath"), "(/etc,/var/run/docker.sock)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.volumes.hostpath[3]"), "(/var/run/docker.sock)");
    TH_CHECK(ft_get(&fe, "ka.req.pod.volumes.hostpath[1]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.volumes.flexvolume_driver"), "(example/lvm)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.volumes.volume_type"), "(hostPath,configMap,flexVolume,hostPath)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.pod.volumes.volume_type[2]"), "(flexVolume)");
    ft_free(&fe);
}

TH_TEST(test_volume_hostpath_matches_any_volume_exactly_or_by_prefix)
{
    LOAD(fe, "ka_pod_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.volume.hostpath[/etc]"), "true");
    TH_CHECK_STR(ft_get(&fe, "ka.req.volume.hostpath[/var/run/docker.sock]"), "true");
    TH_CHECK_STR(ft_get(&fe, "ka.req.volume.hostpath[/var/run/*]"), "true");
    TH_CHECK_STR(ft_get(&fe, "ka.req.volume.hostpath[/var]"), "false");
    ft_free(&fe);
    LOAD(g, "ka_service_nodeport.json");
    TH_CHECK(ft_get(&g, "ka.req.volume.hostpath[/etc]") == NULL);
    ft_free(&g);
}

TH_TEST(test_binding_subjects_are_split_by_kind)
{
    LOAD(fe, "ka_rolebinding_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.role"), "cluster-admin");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.subjects.user_names"), "(carol)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.subjects.serviceaccount_names"), "(builder,default)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.subjects.serviceaccount_ns_names"), "(ci:builder,:default)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.subjects.group_names"), "(ops)");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "ka.req.binding.subjects", &v), 1);
    TH_CHECK_INT(v.u.list.n, 4);
    TH_CHECK_MEM(v.u.list.v[1].p, v.u.list.v[1].n, "{\"kind\":\"ServiceAccount\",\"name\":\"builder\",\"namespace\":\"ci\"}");
    TH_CHECK_STR(ft_get(&fe, "ka.req.binding.subject.has_name[carol]"), "true");
    TH_CHECK(ft_get(&fe, "ka.target.pod.name") == NULL);
    ft_free(&fe);
}

TH_TEST(test_role_rule_fields_flatten_every_rule)
{
    LOAD(fe, "ka_clusterrole_create.json");
    struct th_val v;
    TH_CHECK_INT(ft_val(&fe, "ka.req.role.rules", &v), 1);
    TH_CHECK_INT(v.u.list.n, 3);
    TH_CHECK_STR(ft_get(&fe, "ka.req.role.rules.apiGroups"), "(,*)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.role.rules.resources"), "(pods,pods/exec,*)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.role.rules.verbs"), "(get,create,*,get)");
    TH_CHECK_STR(ft_get(&fe, "ka.req.role.rules.verbs[1]"), "(*)");
    TH_CHECK(ft_get(&fe, "ka.req.role.rules.verbs[3]") == NULL);
    TH_CHECK_STR(ft_get(&fe, "ka.req.role.rules.nonResourceURLs"), "(/healthz,/metrics)");
    ft_free(&fe);
}

TH_TEST(test_service_type_and_ports)
{
    LOAD(fe, "ka_service_nodeport.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.service.type"), "NodePort");
    TH_CHECK_STR(ft_get(&fe, "ka.req.service.ports"),
                 "({\"port\":80,\"targetPort\":8080,\"nodePort\":30080,\"protocol\":\"TCP\"},{\"port\":443,\"protocol\":\"TCP\"})");
    TH_CHECK_STR(ft_get(&fe, "ka.req.service.ports[1]"), "({\"port\":443,\"protocol\":\"TCP\"})");
    ft_free(&fe);
}

TH_TEST(test_configmap_fields_and_failure_reason)
{
    LOAD(fe, "ka_configmap_create.json");
    TH_CHECK_STR(ft_get(&fe, "ka.req.configmap.name"), "app-cfg");
    TH_CHECK_STR(ft_get(&fe, "ka.req.configmap.obj"), "{\"aws_access_key_id\":\"AKIA...\",\"mode\":\"debug\"}");
    TH_CHECK_STR(ft_get(&fe, "ka.response.code"), "409");
    TH_CHECK_STR(ft_get(&fe, "ka.response.reason"), "AlreadyExists");
    ft_free(&fe);
}

TH_TEST(test_every_ka_field_is_absent_without_audit_id)
{
    LOAD(fe, "ka_event_without_audit_id.json");
    size_t n = th_field_count(), checked = 0;
    for (size_t i = 0; i < n; i++) {
        const struct th_field_def *d = th_field_by_id((uint16_t)i);
        if (strncmp(d->name, "ka.", 3) != 0) {
            continue;
        }
        struct th_fieldref ref = {(uint16_t)i, TH_NO_SLOT, -1, NULL, 0};
        if (d->flags & TH_FF_ARG_KEY) {
            ref.key = "/etc";
            ref.keylen = 4;
        }
        struct th_val v;
        if (d->extract(&fe.ev, &ref, &v) != 0) {
            th_test_fail(__FILE__, __LINE__, "%s present without auditID", d->name);
        }
        checked++;
    }
    TH_CHECK_INT(checked, 100);
    /* the json plugin fields still see the record */
    TH_CHECK_STR(ft_get(&fe, "jevt.value[/verb]"), "list");
    ft_free(&fe);
}

TH_RUN_TESTS()
