package config_test

import (
	"fmt"

	"github.com/logbridge/logbridge/config"
)

func ExampleParseLevels() {
	levels, diags := config.ParseLevels("core=debug, server=info, all=warn, tools=loud", "DEMO_LOGGING")
	settings := config.DefaultLevelSettings()
	settings.Apply(levels)
	fmt.Println(settings.Effective("core::db"), settings.Effective("server"), settings.Effective("other"))
	for _, d := range diags {
		fmt.Println("warning:", d)
	}
	// Output:
	// DEBUG INFO WARN
	// warning: DEMO_LOGGING: "tools=loud": unknown level "loud" (want debug, info, warn, error or critical)
}

func ExampleLoad() {
	env := map[string]string{"DEMO_LOGGING": "core=debug", "DEMO_LOG_FILE": "/var/log/demo.log", "DEMO_LOG_WIDTH": "wide"}
	cfg, diags := config.Load(config.LoadOptions{
		Prefix:    "DEMO",
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	fmt.Println(cfg.Levels.Spec(), cfg.File.Path, cfg.Console.Width)
	fmt.Println(diags[0])
	// Output:
	// all=info,root=warn,core=debug /var/log/demo.log 0
	// DEMO_LOG_WIDTH: "wide": not a whole number; ignored: the YAML file's value or the default applies
}
