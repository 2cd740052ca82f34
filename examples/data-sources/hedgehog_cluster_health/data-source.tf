# The health of the fabric: the API server, the control node, the rights the
# provider needs, and every switch (its agent has applied its configuration
# and sent a heartbeat within the last minute, as Hedgehog's own readiness
# check asks).
data "hedgehog_cluster_health" "fabric" {}

# A check block runs on every plan and apply: an unhealthy fabric turns it
# into a warning that names the problem (such as a silent switch), without
# failing the run.
check "fabric_health" {
  assert {
    condition     = data.hedgehog_cluster_health.fabric.overall_status == "healthy"
    error_message = "The fabric is unhealthy: ${join("; ", data.hedgehog_cluster_health.fabric.problems)}"
  }
}
