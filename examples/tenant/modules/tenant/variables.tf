variable "vpcs" {
  description = <<-EOT
    The tenant's VPCs, by name (at most 11 characters). Each subnet has its
    prefix (from the VPC's IPv4 namespace, `default` unless set), its VLAN
    (from the VLAN namespace, `default` unless set), whether Hedgehog's DHCP
    server serves it, and the server connections of the fabric's wiring it
    is attached to.
  EOT
  type = map(object({
    ipv4_namespace = optional(string)
    vlan_namespace = optional(string)
    subnets = map(object({
      subnet      = string
      vlan        = number
      dhcp        = optional(bool, false)
      connections = optional(list(string), [])
    }))
  }))
}

variable "peerings" {
  description = "Pairs of the tenant's VPC names that may reach each other, all subnets of both."
  type        = list(tuple([string, string]))
  default     = []
}

variable "wait_for_applied" {
  description = "Whether every change waits until the switches it reaches have applied it."
  type        = bool
  default     = true
}
