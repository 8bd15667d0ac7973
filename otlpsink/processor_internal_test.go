package otlpsink

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
)

func TestProcessorConfigFromEnv(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		opts  []ProcessorOption
		want  processorConfig
		diags []string // variables named by diagnostics
	}{
		{
			name: "defaults",
			want: processorConfig{maxQueue: DefaultMaxQueueSize, batchSize: DefaultMaxExportBatchSize,
				delay: DefaultScheduleDelay, timeout: DefaultExportTimeout},
		},
		{
			name: "env",
			env: map[string]string{envMaxQueueSize: "100", envMaxExportBatchSize: "10",
				envScheduleDelay: "250", envExportTimeout: " 5000 "},
			want: processorConfig{maxQueue: 100, batchSize: 10, delay: 250 * time.Millisecond, timeout: 5 * time.Second},
		},
		{
			name: "batch capped by queue",
			env:  map[string]string{envMaxQueueSize: "100", envMaxExportBatchSize: "1000"},
			want: processorConfig{maxQueue: 100, batchSize: 100, delay: DefaultScheduleDelay, timeout: DefaultExportTimeout},
		},
		{
			name: "default batch is a quarter of a small queue",
			env:  map[string]string{envMaxQueueSize: "2048"},
			want: processorConfig{maxQueue: 2048, batchSize: 512, delay: DefaultScheduleDelay, timeout: DefaultExportTimeout},
		},
		{
			name: "options win over env",
			env:  map[string]string{envMaxQueueSize: "100", envScheduleDelay: "250"},
			opts: []ProcessorOption{WithMaxQueueSize(7), WithScheduleDelay(time.Second), WithExportTimeout(time.Minute), WithMaxExportBatchSize(3)},
			want: processorConfig{maxQueue: 7, batchSize: 3, delay: time.Second, timeout: time.Minute},
		},
		{
			name: "invalid values: diagnostic and default",
			env: map[string]string{envMaxQueueSize: "lots", envMaxExportBatchSize: "-5",
				envScheduleDelay: "0", envExportTimeout: "1.5s"},
			want: processorConfig{maxQueue: DefaultMaxQueueSize, batchSize: DefaultMaxExportBatchSize,
				delay: DefaultScheduleDelay, timeout: DefaultExportTimeout},
			diags: []string{envMaxQueueSize, envMaxExportBatchSize, envScheduleDelay, envExportTimeout},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{envMaxQueueSize, envMaxExportBatchSize, envScheduleDelay, envExportTimeout} {
				t.Setenv(k, tt.env[k])
			}
			c := newProcessorConfig(tt.opts)
			if c.maxQueue != tt.want.maxQueue || c.batchSize != tt.want.batchSize || c.delay != tt.want.delay || c.timeout != tt.want.timeout {
				t.Errorf("queue %d batch %d delay %v timeout %v, want %d %d %v %v", c.maxQueue, c.batchSize, c.delay, c.timeout,
					tt.want.maxQueue, tt.want.batchSize, tt.want.delay, tt.want.timeout)
			}
			if len(c.diags) != len(tt.diags) {
				t.Fatalf("diagnostics %v, want ones naming %v", c.diags, tt.diags)
			}
			for i, d := range c.diags {
				if d.Source != tt.diags[i] || !strings.Contains(d.Error(), tt.diags[i]) || !strings.Contains(d.Error(), "default") {
					t.Errorf("diagnostic %q, want one naming %s and the default", d.Error(), tt.diags[i])
				}
			}
		})
	}
}

func TestUniqueKeys(t *testing.T) {
	for _, n := range []int{0, 1, 5, linearMax, linearMax + 1, 100} {
		in := makeKVs(n)
		in = append(in, in...) // every key twice: the second value wins, first position stays
		for i := n; i < 2*n; i++ {
			in[i].Value = intValue(i)
		}
		out := uniqueKeys(in)
		if len(out) != n {
			t.Fatalf("n=%d: %d unique, want %d", n, len(out), n)
		}
		for i, kv := range out {
			if string(kv.Key) != keyName(i) || kv.Value.AsInt64() != int64(n+i) {
				t.Fatalf("n=%d: out[%d] = %v=%v", n, i, kv.Key, kv.Value.AsInt64())
			}
		}
	}
}

func keyName(i int) string { return "k" + strconv.Itoa(i) }

func intValue(i int) attribute.Value { return attribute.Int64Value(int64(i)) }

func makeKVs(n int) []attribute.KeyValue {
	kvs := make([]attribute.KeyValue, n)
	for i := range kvs {
		kvs[i] = attribute.KeyValue{Key: attribute.Key(keyName(i)), Value: intValue(i)}
	}
	return kvs
}
