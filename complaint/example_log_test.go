package complaint_test

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/complaint/complainttest"
)

// A rejected complaint printed with fmt: the case, its event and the
// notice to the customer show IDs, codes, states and times, and of each
// text only its length; the reply, the note, the description and the
// attachment references stay out of the output, under every verb.
func ExampleCase_String() {
	c, _ := complainttest.Record("K-2", complainttest.T0)
	c, ev, err := complaint.Apply(c, complaint.Command{Kind: complaint.CmdReject,
		Reply: "the seam was cut open, not split", Note: "see photo 2"}, complainttest.Agent, complainttest.T0.Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, _, _ := complaint.NoticeOf(c, ev)
	fmt.Printf("%+v\n", c)
	fmt.Println(ev)
	fmt.Println(n)
	// Output:
	// complaint case "K-2" of customer "cust-K-2": rejected, version 2, priority normal, opened 2026-03-02T09:00:00Z, updated 2026-03-02T10:00:00Z, decided 2026-03-02T10:00:00Z, complaint form "K-2" of customer "cust-K-2" received 2026-03-02T09:00:00Z by web about product (order "O-1", sku "JKT-01-M"), category seams, severity medium, currency EUR, demand refund (text: 0 bytes), description: 26 bytes, 2 attachments, texts: 72 bytes, personal data redacted
	// event 2 of complaint case "K-2" at 2026-03-02T10:00:00Z by agent:agent-1: recorded → rejected, priority normal, command reject (reply: 32 bytes, note: 11 bytes)
	// notice rejected of complaint case "K-2" event 2 at 2026-03-02T10:00:00Z to customer "cust-K-2" by web (reply: 32 bytes)
}

// A case logged with log/slog's JSON handler as an attribute's value: the
// handler logs the case's own form ([Case.LogValue]), without its texts.
// (The handler's time is left out here so that the output is fixed.)
func ExampleCase_LogValue() {
	c, _ := complainttest.Record("K-2", complainttest.T0)
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	logger.Info("complaint recorded", "case", c)
	// Output:
	// {"level":"INFO","msg":"complaint recorded","case":{"id":"K-2","complainant":"cust-K-2","state":"recorded","version":1,"priority":"normal","opened":"2026-03-02T09:00:00Z","updated":"2026-03-02T09:00:00Z","escalations":0,"send_backs":0,"reopens":0,"reassigns":0,"waits":0,"revisions":0,"intake":{"id":"K-2","complainant":"cust-K-2","channel":"web","received":"2026-03-02T09:00:00Z","subject":"product","order":"O-1","sku":"JKT-01-M","category":"seams","severity":"medium","currency":"EUR","demand":{"kind":"refund","text_bytes":0},"description_bytes":26,"attachments":2,"personal_data":"[redacted]"},"text_bytes":40,"personal_data":"[redacted]"}}
}
