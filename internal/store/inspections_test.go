package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// A plan the database's facts refuse says why and for which wards or
// users, and writes nothing.
func TestPlanInspectionRefusals(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	day := time.Date(2026, time.December, 14, 0, 0, 0, 0, time.UTC)
	plan := func(wards, members []string, leader string) store.InspectionPlan {
		return store.InspectionPlan{Year: 2026, Level: "ministry", Province: "01", From: day, To: day, Wards: wards, Members: members, Leader: leader}
	}
	before, err := st.Inspections(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		plan   store.InspectionPlan
		field  string
		reason string
		items  string
	}{
		{plan([]string{"00070"}, nil, "bocongan"), "wards", "state", "00070"},
		{plan([]string{"00004"}, nil, "bocongan"), "wards", "planned", "00004"},
		{plan([]string{"00226"}, nil, "bocongan"), "wards", "level", "00226"},
		{plan([]string{"99999"}, nil, "bocongan"), "wards", "unknown", "99999"},
		{plan([]string{"26740"}, nil, "bocongan"), "wards", "province", "26740"},
		{plan([]string{"00190"}, []string{"hanoi"}, "bocongan"), "wards", "state", "00190"},
		{plan([]string{"00070"}, []string{"hanoi"}, "nobody"), "wards", "state", "00070"},
	} {
		_, err := st.PlanInspection(ctx, assess.Actor{Username: "test"}, tt.plan)
		var refused *store.PlanError
		if !errors.As(err, &refused) || refused.Field != tt.field || refused.Reason != tt.reason || len(refused.Items) != 1 || refused.Items[0] != tt.items {
			t.Errorf("%v: %v", tt.plan.Wards, err)
		}
	}
	after, err := st.Inspections(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Error("a refused plan was written")
	}
}

// The changes listed are the ones the stored standings count: Hà Nội's
// appraisal of Ô Chợ Dừa's pavements and the Ministry's finding at Hồng
// Hà, each with its reason; a criterion filters them.
func TestTierChanges(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	list, err := st.TierChanges(ctx, 2026, "VN", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, fmt.Sprintf("%s %s %d %s→%s %q", c.Tier, c.WardCode, c.Number, c.From, c.To, c.Reason))
	}
	want := []string{
		`appraised 00190 13 met→not_met "Còn lấn chiếm vỉa hè tại khu chợ; biên bản xử lý vi phạm chưa đủ."`,
		`inspected 00097 11 met→not_met "Hai cơ sở karaoke chưa đủ điều kiện phòng cháy tại thời điểm kiểm tra."`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	standings, err := st.WardStandings(ctx, 2026, "01")
	if err != nil {
		t.Fatal(err)
	}
	counted := 0
	for _, w := range standings {
		counted += len(w.AppraisalChanged) + len(w.InspectionChanged)
	}
	if counted != len(list) {
		t.Errorf("the standings count %d changes, the list has %d", counted, len(list))
	}
	if list, err = st.TierChanges(ctx, 2026, "01", 11); err != nil || len(list) != 1 || list[0].WardCode != "00097" {
		t.Errorf("criterion 11: %v %v", list, err)
	}
}
