# A pipeline's service account without a token in the state
# (token_type = "none"): each run issues its own, valid for half an hour.
resource "hedgehog_rbac_setup" "vpc_pipeline" {
  namespace            = "ci"
  service_account_name = "vpc-pipeline"
  role_name            = "vpc-pipeline"
  preset               = "vpc-editor"
  scope                = "namespace"
  token_type           = "none"
}

ephemeral "hedgehog_access_token" "vpc_pipeline" {
  namespace            = hedgehog_rbac_setup.vpc_pipeline.namespace
  service_account_name = hedgehog_rbac_setup.vpc_pipeline.service_account_name
  # Unknown until the account exists: Terraform opens the ephemeral resource
  # only then, and the token is refused for a re-created account.
  service_account_uid = hedgehog_rbac_setup.vpc_pipeline.service_account_uid
  expiration_seconds  = 1800
}

# The VPCs are written with the pipeline's least-privilege identity, not the
# administrator's.
provider "hedgehog" {
  alias                  = "vpc_pipeline"
  host                   = ephemeral.hedgehog_access_token.vpc_pipeline.host
  cluster_ca_certificate = ephemeral.hedgehog_access_token.vpc_pipeline.ca_certificate
  token                  = ephemeral.hedgehog_access_token.vpc_pipeline.token
}

resource "hedgehog_vpc" "prod" {
  provider = hedgehog.vpc_pipeline
  name     = "prod"
  subnets = {
    default = { subnet = "10.10.1.0/24", vlan = 1001 }
  }
}
