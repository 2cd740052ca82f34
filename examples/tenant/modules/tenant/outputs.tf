output "gateways" {
  description = "Each VPC's subnets and their gateways (Hedgehog's default: the subnet's first address)."
  value       = { for name, v in hedgehog_vpc.this : name => { for s, sv in v.subnets : s => sv.gateway } }
}

output "attachments" {
  description = "The names of the VPC attachments."
  value       = sort(keys(hedgehog_vpc_attachment.this))
}

output "peerings" {
  description = "The names of the VPC peerings."
  value       = sort(keys(hedgehog_vpc_peering.this))
}
