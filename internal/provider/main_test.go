package provider_test

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
