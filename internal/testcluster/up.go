package testcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// components in the order they depend on each other.
var components = []string{"etcd", "kube-apiserver", "kube-controller-manager"}

// Up is make cluster-up. With no cluster in opts.Dir it starts one. With one,
// it restarts whatever of it died — on the same ports, with the same data and
// certificates, so the kubeconfig stays valid and every object keeps its UID.
// It never deletes a cluster that finished starting: what it cannot restart,
// it refuses, and says how to start afresh. The string says what it did.
func Up(ctx context.Context, opts Options) (*Cluster, string, error) {
	c, err := Attach(opts)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c, err = Start(ctx, opts)
		return c, "started", err
	case err != nil:
		return nil, "", refuse(opts.Dir, fmt.Errorf("its state cannot be read: %w", err))
	case c.state.Starting:
		// An earlier start never finished: nobody has used this cluster.
		c.progress("stopping what is left of a local control plane that never finished starting")
		if err := c.Stop(); err != nil {
			return nil, "", err
		}
		c, err = Start(ctx, opts)
		return c, "started", err
	}
	var restarted []string
	for _, name := range components {
		if c.Alive(name) {
			continue
		}
		if err := c.restart(ctx, name); err != nil {
			return nil, "", refuse(opts.Dir, fmt.Errorf("%s died and cannot be restarted: %w", name, err))
		}
		restarted = append(restarted, name)
	}
	if len(restarted) == 0 {
		return c, "already running", nil
	}
	// kube-apiserver may have been running all along, waiting for etcd.
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, "", err
	}
	if err := c.waitHTTP(ctx, "kube-apiserver", c.state.Host+"/readyz", cfg); err != nil {
		return nil, "", refuse(opts.Dir, err)
	}
	return c, "restarted " + strings.Join(restarted, ", ") + " on the same ports and data", nil
}

func refuse(dir string, err error) error {
	return fmt.Errorf("the local control plane in %s was left as it is: %w. Its processes' logs are in %s. "+
		"To throw it away and start a new, empty one, run `make cluster-down` (which deletes its data), then `make cluster-up`",
		dir, err, filepath.Join(dir, "logs"))
}

// restart starts one dead component again, as Start did.
func (c *Cluster) restart(ctx context.Context, name string) error {
	_ = c.stop(name) // forget the dead process
	c.progress("restarting %s", name)
	switch name {
	case "etcd":
		// A new etcd on an empty data directory would be a new, empty cluster.
		if _, err := os.Stat(filepath.Join(c.opts.Dir, "etcd", "member")); err != nil {
			return fmt.Errorf("its data is gone: %w", err)
		}
		if err := portsFree(ctx, portBusyWait, c.state.EtcdPort, c.state.PeerPort); err != nil {
			return err
		}
		return c.startEtcd(ctx)
	case "kube-apiserver":
		if err := portsFree(ctx, portBusyWait, c.state.APIPort); err != nil {
			return err
		}
		return c.StartAPIServer(ctx)
	default:
		if err := portsFree(ctx, portBusyWait, c.state.KCMPort); err != nil {
			return err
		}
		return c.startControllerManager(ctx)
	}
}

// portBusyWait is how long a port may stay busy after its process died: the
// kernel keeps the dead process' connections (FIN-WAIT) for a while, and
// they block a new listener on the port.
const portBusyWait = 30 * time.Second

// portsFree waits until the ports are free, so that a port that another
// program took is said plainly instead of after a process' failed start.
func portsFree(ctx context.Context, within time.Duration, ports ...int) error {
	for _, port := range ports {
		var last error
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, within, true, func(context.Context) (bool, error) {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
			if err != nil {
				last = err
				return false, nil //nolint:nilerr // busy: try again until the deadline
			}
			return true, l.Close()
		})
		if err != nil {
			return fmt.Errorf("its port %d is taken by another program: %w", port, last)
		}
	}
	return nil
}
