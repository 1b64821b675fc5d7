package web_test

// tooWideJS lists the outermost elements of the page that reach beyond
// the right edge of the window, to say why a page scrolls sideways.
const tooWideJS = `(() => {
	const w = document.documentElement.clientWidth;
	const out = [];
	const walk = (el) => {
		const r = el.getBoundingClientRect();
		if (r.right > w + 0.5 && r.width > 0) {
			const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
			out.push(name + " to " + Math.round(r.right) + " px");
			if (out.length >= 8) { return; }
		}
		for (const c of el.children) { if (out.length < 8) { walk(c); } }
	};
	walk(document.body);
	return out;
})()`
