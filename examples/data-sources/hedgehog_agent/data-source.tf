# What `kubectl get agents` shows for one switch.
data "hedgehog_agent" "leaf_01" {
  name = "leaf-01"
}

# Warns on every plan and apply while the switch has not applied its
# configuration, without failing the run.
check "leaf_01_applied" {
  assert {
    condition     = data.hedgehog_agent.leaf_01.status.last_applied_gen == data.hedgehog_agent.leaf_01.generation
    error_message = "leaf-01 has applied generation ${data.hedgehog_agent.leaf_01.status.last_applied_gen} of ${data.hedgehog_agent.leaf_01.generation}"
  }
}
