data "hedgehog_cluster_health" "this" {
  min_ready_nodes = 3
}

# A check block warns on every plan and apply when the cluster is unhealthy,
# without failing the run.
check "cluster_health" {
  assert {
    condition     = data.hedgehog_cluster_health.this.overall_status == "healthy"
    error_message = "The fabric cluster is unhealthy: ${join("; ", data.hedgehog_cluster_health.this.problems)}"
  }
}
