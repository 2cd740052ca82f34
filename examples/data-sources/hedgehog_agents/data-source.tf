data "hedgehog_agents" "all" {}

# The switches whose agent has not applied its current generation.
output "switches_pending" {
  value = [for a in data.hedgehog_agents.all.agents : a.name if a.status.last_applied_gen != a.generation]
}
