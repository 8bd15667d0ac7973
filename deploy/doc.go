// Package deploy holds the configuration of logbridge's local observability stack, which
// docker-compose.yaml at the repository root runs: an OpenTelemetry Collector
// (deploy/otelcol), Loki (deploy/loki), Tempo (deploy/tempo), Prometheus (deploy/prometheus)
// and Grafana with provisioned data sources and a dashboard (deploy/grafana). It has no Go
// API; its tests check the files.
//
// # What the tests check
//
//   - The collector configuration is valid for a real collector: the test collector of
//     internal/collectortest, which has the same components, runs `otelcol validate` on it.
//   - The dashboard's Loki queries use the names Loki gives the attributes logbridge really
//     emits: Loki turns OTLP attribute names into label names (log.category becomes
//     log_category), and the names are derived here from vocab.AttrCategory and
//     vocab.AttrLevel, so renaming an attribute without updating the dashboard fails.
//   - Log lines link to traces (a derived field on Loki's trace_id) and traces to logs
//     (Tempo's tracesToLogsV2), each pointing at the other data source's uid; every data
//     source a panel names exists.
//   - docker-compose.yaml pins every image and mounts files that exist, and the host names
//     and ports in the configurations match the services that serve them.
//   - The faults once found against the pinned versions stay fixed: one service builds the
//     example image, the collector's components have their current names, Grafana's image
//     keeps its own provisioning folders, the trace_id derived field is anchored, and the
//     docs say where Loki's detected_level comes from.
//   - The metrics path runs for real: the example and its driver export to a real collector
//     running the stack's metrics pipeline, which writes to a real Prometheus (prometheus on
//     PATH, or $LOGBRIDGE_PROMETHEUS) started with the stack's configuration; every PromQL
//     query of the dashboard must return data, with the labels its legend and its link to
//     the logs use. The metrics panels name the provisioned Prometheus data source.
//
// docker-compose.yaml itself is checked by `make validate-deploy` with `docker-compose config`.
package deploy
