# How vpc-02 reaches the Internet through the gateway: behind an address of
# its own on the External "isp" (masquerade NAT), with the idle timeout that
# Hedgehog filled in.
data "hedgehog_gateway_peering" "vpc_02_isp" {
  name = "vpc-02--isp"
}

output "vpc_02_isp_masquerade" {
  value = {
    as           = [for a in data.hedgehog_gateway_peering.vpc_02_isp.peering["vpc-02"].expose[0].as : a.cidr]
    idle_timeout = data.hedgehog_gateway_peering.vpc_02_isp.peering["vpc-02"].expose[0].nat.masquerade.idle_timeout
  }
}
