# Every fabric of one site, in every namespace.
data "hedgehog_fabrics" "ams1" {
  all_namespaces = true
  label_selector = "site=ams1"
}

output "ams1_fabrics" {
  value = {
    for f in data.hedgehog_fabrics.ams1.fabrics : "${f.namespace}/${f.name}" => f.status.phase
  }
}
