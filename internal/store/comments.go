package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Comment is one message in a criterion's thread.
type Comment struct {
	ID     int64
	Number int
	Author string
	Role   assess.Role
	Body   string
	At     time.Time
}

// AddComment adds a comment to a criterion's thread, creating nothing
// else: a ward without an assessment for the year has nothing to discuss.
func (s *Store) AddComment(ctx context.Context, actor assess.Actor, ward string, year, number int, body string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		id, _, err := lockAssessment(ctx, tx, ward, year, false)
		if err != nil {
			return err
		}
		var cid int64
		err = tx.QueryRow(ctx, `
			INSERT INTO comments (assessment_id, year, number, author_id, body)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, year, number, actorID(actor), body).Scan(&cid)
		if err != nil {
			return fmt.Errorf("comment on %s %d/%d: %w", ward, year, number, err)
		}
		after, _ := json.Marshal(map[string]any{"id": cid, "body": body})
		err = audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "comment_add",
			Entity: "comment", EntityKey: resultKey(ward, year, number), After: after})
		if err != nil {
			return err
		}
		// The ward's officers and whoever spoke before on the criterion.
		n, err := wardNotice(ctx, tx, id, "comment", fmt.Sprintf("/criteria/%d#comments", number), actorID(actor), fmt.Sprint(number), actor.Name)
		if err != nil {
			return err
		}
		n.Number = number
		return notify(ctx, tx, n, wardOfficers, commenters)
	})
}

// commentsSQL lists the comments on ward $1's assessment of year $2, oldest
// first, by criterion (read with the ward view).
const commentsSQL = `
	SELECT c.id, c.number, u.full_name, u.role, c.body, c.created_at
	FROM comments c
	JOIN assessments a ON a.id = c.assessment_id
	JOIN users u ON u.id = c.author_id
	WHERE a.ward_id = unit_in_year($1, $2) AND a.year = $2
	ORDER BY c.number, c.created_at, c.id`

func scanComment(r pgx.CollectableRow) (Comment, error) {
	var c Comment
	err := r.Scan(&c.ID, &c.Number, &c.Author, &c.Role, &c.Body, &c.At)
	return c, err
}
