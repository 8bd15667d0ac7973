package otellog

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/vocab"
)

// Storm control bounds.
const (
	// stormQuiet is how long a message template must go without a suppressed record for its
	// storm to count as passed (and its summary to be written).
	stormQuiet = time.Second
	// stormMaxKeys bounds the message templates tracked per category; records of templates
	// beyond it pass unlimited, so that memory stays bounded whatever the messages.
	stormMaxKeys = 4096
)

// storm is storm control: for each category with a rate, a token bucket per message template
// (level and message text), or per call site with config.RateKeySite. A record finding its bucket empty is suppressed: counted, and
// summed up in a summary record ("suppressed 49,873 records like: ...") written through the
// same logger when the storm passes, and at least once per interval while it lasts.
type storm struct {
	// clock, when set, is the time storm control goes by; by default a record's own time
	// (which slog.Logger sets, so reading the clock again is not needed), and time.Now.
	clock    func() time.Time
	interval time.Duration
	bySite   bool        // limit each call site rather than each message template; set before use
	on       atomic.Bool // some category has a rate: Handle consults allow

	setMu    sync.Mutex // serializes changes of the settings
	mu       sync.Mutex
	settings config.RateSettings
	counts   map[string]*atomic.Uint64 // suppressed records by category, kept across changes
	// cats maps a category name to its state; copy-on-write under mu, read without a lock.
	cats atomic.Pointer[map[string]*stormCat]

	stop chan struct{} // closed by close
	done chan struct{} // closed when run returns
}

// stormCat is one category's storm state.
type stormCat struct {
	rate    config.Rate
	count   *atomic.Uint64
	mu      sync.Mutex
	keys    map[stormKey]*stormBucket
	retired bool // replaced (new rates, Shutdown): its summaries are taken, records go elsewhere
}

// stormKey is a message template (level and message) or, by call site, the level and the
// log call's program counter.
type stormKey struct {
	level slog.Level
	msg   string
	pc    uintptr
}

// stormBucket is the token bucket of one message template, and its storm so far.
type stormBucket struct {
	tokens     float64
	msg        string    // the message of the template's first record
	last       time.Time // of the last refill
	h          *fanout   // the logger the template's first record came through: summaries go there
	suppressed uint64    // since the last summary
	started    time.Time // when the unsummarized suppression began
	lastSuppr  time.Time // when the last record was suppressed
}

// stormSummary is a summary record to write.
type stormSummary struct {
	h        *fanout
	level    slog.Level
	msg      string
	n        uint64
	duration time.Duration
	rate     config.Rate
}

// stormBypass marks the context of a summary record, which storm control lets through.
type stormBypass struct{}

func newStorm(interval time.Duration) *storm {
	s := &storm{interval: interval, counts: map[string]*atomic.Uint64{},
		stop: make(chan struct{}), done: make(chan struct{})}
	s.cats.Store(&map[string]*stormCat{})
	return s
}

// allow reports whether r, logged through h, may pass; when not, it is counted (and a summary
// is written if the storm has lasted an interval since the last one).
func (s *storm) allow(ctx context.Context, h *fanout, r *slog.Record) bool {
	c := s.category(h.cat.name)
	if !c.rate.Limited() || ctx != nil && ctx.Value(stormBypass{}) != nil {
		return true
	}
	k := stormKey{level: r.Level, msg: r.Message}
	if s.bySite && r.PC != 0 {
		k = stormKey{level: r.Level, pc: r.PC}
	}
	now := r.Time
	if s.clock != nil || now.IsZero() {
		now = s.now()
	}
	c.mu.Lock()
	if c.retired { // the rates changed meanwhile
		c.mu.Unlock()
		return s.allow(ctx, h, r)
	}
	b := c.keys[k]
	if b == nil {
		if len(c.keys) >= stormMaxKeys {
			c.mu.Unlock()
			return true
		}
		b = &stormBucket{tokens: float64(c.rate.Burst), msg: r.Message, last: now, h: h}
		c.keys[k] = b
	}
	b.refill(now, c.rate)
	if b.tokens >= 1 {
		b.tokens--
		c.mu.Unlock()
		return true
	}
	if b.suppressed == 0 { // a storm begins (or goes on after a summary)
		b.started = now
	}
	b.suppressed++
	b.lastSuppr = now
	c.count.Add(1)
	var sum stormSummary
	if now.Sub(b.started) >= s.interval {
		sum = b.take(k, now, c.rate)
	}
	c.mu.Unlock()
	s.write(sum)
	return false
}

// now returns the time by the clock storm control goes by.
func (s *storm) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// refill adds the tokens earned since the last refill, up to the burst.
func (b *stormBucket) refill(now time.Time, r config.Rate) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(float64(r.Burst), b.tokens+d.Seconds()*r.PerSecond)
		b.last = now
	}
}

// take returns the summary of what b suppressed since the last one, and resets it.
func (b *stormBucket) take(k stormKey, now time.Time, r config.Rate) stormSummary {
	sum := stormSummary{h: b.h, level: k.level, msg: b.msg, n: b.suppressed, duration: now.Sub(b.started), rate: r}
	b.suppressed = 0
	return sum
}

// write writes sum through the logger it belongs to, if it counts anything.
func (s *storm) write(sum stormSummary) {
	if sum.n == 0 {
		return
	}
	records := " records like: "
	if sum.n == 1 {
		records = " record like: "
	}
	r := slog.NewRecord(s.now(), sum.level, "suppressed "+groupThousands(sum.n)+records+sum.msg, 0)
	r.AddAttrs(slog.Uint64("suppressed", sum.n), slog.Duration("suppressed_for", sum.duration),
		slog.String("rate_limit", sum.rate.String()))
	_ = sum.h.Handle(context.WithValue(context.Background(), stormBypass{}, true), r)
}

// sweep writes the summaries of storms that passed (no suppression for stormQuiet) and forgets
// buckets that are full again.
func (s *storm) sweep() {
	now := s.now()
	var sums []stormSummary
	for _, c := range *s.cats.Load() {
		c.mu.Lock()
		for k, b := range c.keys {
			b.refill(now, c.rate)
			switch {
			case b.suppressed > 0 && now.Sub(b.lastSuppr) >= stormQuiet:
				sums = append(sums, b.take(k, now, c.rate))
			case b.suppressed == 0 && b.tokens >= float64(c.rate.Burst):
				delete(c.keys, k)
			}
		}
		c.mu.Unlock()
	}
	s.writeAll(sums)
}

// retire marks cats as replaced and writes every summary they hold. Records that still reach
// them find the mark and go to the categories in force.
func (s *storm) retire(cats map[string]*stormCat) {
	now := s.now()
	var sums []stormSummary
	for _, c := range cats {
		c.mu.Lock()
		c.retired = true
		for k, b := range c.keys {
			sums = append(sums, b.take(k, now, c.rate))
		}
		c.keys = nil
		c.mu.Unlock()
	}
	s.writeAll(sums)
}

func (s *storm) writeAll(sums []stormSummary) {
	for _, sum := range sums {
		s.write(sum)
	}
}

// run sweeps every stormQuiet until close.
func (s *storm) run() {
	defer close(s.done)
	t := time.NewTicker(stormQuiet)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if s.on.Load() {
				s.sweep()
			}
		}
	}
}

// close stops run and storm control, and writes every pending summary.
func (s *storm) close() {
	close(s.stop)
	<-s.done
	s.install(config.RateSettings{})
}

// category returns the state of category name, creating it on first use.
func (s *storm) category(name string) *stormCat {
	if c, ok := (*s.cats.Load())[name]; ok {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cats := *s.cats.Load()
	if c, ok := cats[name]; ok {
		return c
	}
	c := s.newCategory(name)
	next := maps.Clone(cats)
	next[name] = c
	s.cats.Store(&next)
	return c
}

// newCategory makes the state of category name from the settings. Called with s.mu held.
func (s *storm) newCategory(name string) *stormCat {
	key := name
	if name == Uncategorized {
		key = config.KeyRoot
	}
	count := s.counts[name]
	if count == nil {
		count = new(atomic.Uint64)
		s.counts[name] = count
	}
	c := &stormCat{rate: s.settings.Effective(key), count: count}
	if c.rate.Limited() {
		c.keys = map[stormKey]*stormBucket{}
	}
	return c
}

// knownRates returns rates without the categories reg does not know, with a diagnostic naming
// each, and with "uncategorized" taken as the root.
func knownRates(reg *registry, rates config.RateSettings, source string) (config.RateSettings, []vocab.Diagnostic) {
	var diags []vocab.Diagnostic
	cats := make(map[string]config.Rate, len(rates.Categories))
	for _, name := range slices.Sorted(maps.Keys(rates.Categories)) {
		r := rates.Categories[name]
		switch {
		case name == Uncategorized || name == config.KeyRoot:
			cats[config.KeyRoot] = r
		case reg.known(name):
			cats[name] = r
		default:
			diags = append(diags, vocab.Diagnostic{Source: source, Piece: name + "=" + r.String(),
				Problem: "unknown category " + name + " (declared: " + reg.declaredList() + ")"})
		}
	}
	rates.Categories = cats
	return rates, diags
}

// install puts settings in force and writes the summaries of storms in progress (their
// buckets start afresh under the new rates).
func (s *storm) install(settings config.RateSettings) {
	on := settings.Default.Limited()
	for _, r := range settings.Categories {
		on = on || r.Limited()
	}
	s.mu.Lock()
	old := *s.cats.Load()
	s.settings = settings
	s.cats.Store(&map[string]*stormCat{})
	s.on.Store(on)
	s.mu.Unlock()
	s.retire(old)
}

// layer applies a parsed rate spec over the settings in force.
func (s *storm) layer(reg *registry, rates config.RateSettings, source string) []vocab.Diagnostic {
	rates, diags := knownRates(reg, rates, source)
	s.setMu.Lock()
	defer s.setMu.Unlock()
	s.mu.Lock()
	next := s.settings
	s.mu.Unlock()
	next.Apply(rates)
	s.install(next)
	return diags
}

// suppressed returns the records suppressed so far, by category (only categories with some).
func (s *storm) suppressed() map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out map[string]uint64
	for name, c := range s.counts {
		if n := c.Load(); n > 0 {
			if out == nil {
				out = map[string]uint64{}
			}
			out[name] = n
		}
	}
	return out
}

// SetRates changes storm control at runtime with a rate spec ("core=10/s:50,all=off"; see
// config.ParseRates): a category with a rate lets through at most its burst, then that many
// records per second, of each message template; the records beyond are suppressed, counted in
// Stats.Suppressed and summed up in a summary record. The valid pieces apply; the error lists
// each ignored piece. Summaries of storms in progress are written first.
func (b *Bridge) SetRates(spec string) error {
	rates, diags := config.ParseRates(spec, "SetRates")
	return diagsError(append(diags, b.core.storm.layer(b.core.reg, rates, "SetRates")...))
}

// Rates returns the storm control spec in force, as SetRates takes it.
func (b *Bridge) Rates() string {
	b.core.storm.mu.Lock()
	defer b.core.storm.mu.Unlock()
	return b.core.storm.settings.Spec()
}

// groupThousands renders n with commas between groups of three digits: 49,873.
func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
