// Package config parses logbridge's configuration: level specs such as
// "core=debug,server=info,all=warn", a YAML file of category levels and sink settings, and
// environment variables under an application-chosen prefix.
//
// It does no I/O beyond reading the configuration file.
package config
