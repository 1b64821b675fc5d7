package web

import (
	"context"
	"net/http"

	"github.com/creditflow/creditflow"
)

// uploadView is the upload page: files go to POST /api/ingest, first as a
// dry run that shows how each file was read, then for real once the admin
// confirms.
type uploadView struct {
	pageHead
	// MaxMiB is the largest upload the server takes, in MiB.
	MaxMiB int64
}

// handleUploadPage serves /upload to admins; others get 403.
func (s *Server) handleUploadPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !sess.role.Allows(creditflow.RoleAdmin) {
		h := s.newPageHead(r, sess, "upload", "/upload")
		h.Error = h.Lang.T("Loading files needs the admin role. Ask an admin to load them.")
		s.renderStatus(w, r, http.StatusForbidden, "upload.html", &uploadView{pageHead: h})
		return
	}
	load := func(context.Context, creditflow.Date) (struct{}, error) { return struct{}{}, nil }
	fill := func(_ struct{}, p *uploadView) error { return nil }
	servePage(s, w, r, sess, pageSpec{nav: "upload", template: "upload.html", failed: "The upload page could not be shown."},
		&uploadView{MaxMiB: s.maxUp >> 20}, load, fill)
}
