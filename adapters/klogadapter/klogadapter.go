// Package klogadapter routes k8s.io/klog/v2, the logger of Kubernetes client libraries
// (client-go, apimachinery), into a logbridge Bridge, with klog.SetSlogLogger.
//
// # Levels
//
// klog's Info is INFO and Error ERROR. Warning is INFO too: klog hands its logger every record
// that is not an error as Info (logr has no warning level). klog.V(n).Info is INFO when klog's
// own -v flag lets it through (klog decides verbosity before handing the record on). Fatal
// still exits, after logging at ERROR. The records carry klog's structured key/value pairs as
// attributes.
//
// Only this package imports klog: the core packages do not depend on it.
package klogadapter

import (
	"k8s.io/klog/v2"

	"github.com/logbridge/logbridge/otellog"
)

// Install makes klog write to lb's logger called name in category (empty: uncategorized,
// under the root level) and returns the function that makes klog write to its default output
// again. The category must be one lb knows (see otellog.Bridge.Logger).
func Install(lb *otellog.Bridge, name, category string) (restore func(), err error) {
	l, err := lb.Logger(name, category)
	if err != nil {
		return func() {}, err
	}
	klog.SetSlogLogger(l)
	return klog.ClearLogger, nil
}
