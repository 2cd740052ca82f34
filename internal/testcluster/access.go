package testcluster

import (
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// RESTConfig is the admin identity's REST config.
func (c *Cluster) RESTConfig() (*rest.Config, error) {
	return clientcmd.BuildConfigFromFlags("", c.KubeconfigPath())
}

// Client is a provider client for the admin identity.
func (c *Cluster) Client(opts kube.Options) (*kube.Client, error) {
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, err
	}
	return kube.New(&kube.Connection{REST: cfg, Identity: "the local admin"}, opts)
}

// User is a minted identity.
type User struct {
	Name       string
	Groups     []string
	Cert       []byte
	Key        []byte
	Kubeconfig string // path of a kubeconfig for this user
}

// MintUser issues a client certificate for a user in the given groups (no
// rights unless RBAC grants them) and writes a kubeconfig for it.
func (c *Cluster) MintUser(name string, groups ...string) (*User, error) {
	kp, err := c.ca.sign(name, groups, nil)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(c.opts.Dir, "users", name+".kubeconfig")
	if err := c.writeKubeconfig(path, name, kp); err != nil {
		return nil, err
	}
	return &User{Name: name, Groups: groups, Cert: kp.Cert, Key: kp.Key, Kubeconfig: path}, nil
}

func (c *Cluster) writeKubeconfig(path, user string, kp keyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[contextName] = &clientcmdapi.Cluster{Server: c.state.Host, CertificateAuthorityData: c.ca.certPEM()}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: kp.Cert, ClientKeyData: kp.Key}
	cfg.Contexts[contextName] = &clientcmdapi.Context{Cluster: contextName, AuthInfo: user, Namespace: "default"}
	cfg.CurrentContext = contextName
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return clientcmd.WriteToFile(*cfg, path)
}
