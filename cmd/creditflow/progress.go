package main

import (
	"io"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// barProgress shows an ingest's progress as a terminal bar.
type barProgress struct {
	out   io.Writer
	p     *mpb.Progress
	bar   *mpb.Bar
	phase string
}

func newBarProgress(out io.Writer) *barProgress { return &barProgress{out: out} }

func (b *barProgress) Start(total int64) {
	b.p = mpb.New(mpb.WithOutput(b.out), mpb.WithWidth(48))
	b.phase = "loading"
	b.bar = b.p.AddBar(total,
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return b.phase }, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.Elapsed(decor.ET_STYLE_GO)))
}

func (b *barProgress) Advance(n int64, phase string) {
	b.phase = phase
	b.bar.IncrInt64(n)
}

func (b *barProgress) Done() {
	if !b.bar.Completed() {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
