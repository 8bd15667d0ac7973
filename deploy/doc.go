// Package deploy holds the configuration of logbridge's local observability stack, which
// docker-compose.yaml at the repository root runs: an OpenTelemetry Collector
// (deploy/otelcol), Loki (deploy/loki), Tempo (deploy/tempo) and Grafana with provisioned
// data sources and a dashboard (deploy/grafana). It has no Go API; its tests check the files.
//
// # What the tests check
//
//   - The collector configuration is valid for a real collector: the test collector of
//     internal/collectortest, which has the same components, runs `otelcol validate` on it.
//   - The dashboard's Loki queries use the names Loki gives the attributes logbridge really
//     emits: Loki turns OTLP attribute names into label names (log.category becomes
//     log_category), and the names are derived here from otellog.AttrCategory and
//     otellog.AttrLevel, so renaming an attribute without updating the dashboard fails.
//   - Log lines link to traces (a derived field on Loki's trace_id) and traces to logs
//     (Tempo's tracesToLogsV2), each pointing at the other data source's uid; every data
//     source a panel names exists.
//   - docker-compose.yaml pins every image and mounts files that exist, and the host names
//     and ports in the configurations match the services that serve them.
//
// docker-compose.yaml itself is checked by `make validate-deploy` with `docker-compose config`.
package deploy
