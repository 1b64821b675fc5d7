// Package web serves the HTTP API and the dashboards. It is the only package
// that speaks HTTP: it reads requests, asks the application (package app)
// and writes the answers.
//
// The JSON routes (api.go, risk.go, forecast.go, dunning.go, legal.go,
// dossier.go, unmatched.go) return their answer or their error, which
// Server.answer writes; letters.go sends the day's letters through the
// application; server.go is the table of every route.
//
// The dashboards are rendered on the server. One navigation table and the
// pages' head are in layout.go; every page is served by one skeleton,
// servePage in pages.go, and its template in templates/ fills the frame of
// templates/layout.html. Each page's file holds its data, handler, loading
// and formatting: dashboard.go (the overview, and the charts' shared
// options), risk_page.go, customer_page.go with dossier_panel.go and
// features.go, forecast_pages.go, worklist_pages.go and unmatched.go; the
// charts of the risk pages are in risk_charts.go. report.go writes the
// weekly report.
//
// Who may do what: auth.go finds the principal of a request (a bearer token,
// or the session of the cookie, kept by app.Auth) and checks its role and
// the CSRF token; login.go serves the login by name and password or by
// token and the logouts; admin.go is the admin API of users, tokens and the
// audit log, admin_page.go its page.
//
// It may import every package of ours except cmd and the test helpers. It
// is the only package that imports go-echarts; the money, amounts,
// counts and percentages of its pages and its charts' scripts are
// formatted by present.
package web
