"use strict";
// Renders the articles of claimlink's report from the embedded JSON, a page at a time.
// Everything from the data goes in through textContent or setAttribute, never as markup.
(function () {
  var PAGE = 20;
  var data = JSON.parse(document.getElementById("data").textContent);
  var list = document.getElementById("article-list");
  var info = document.getElementById("page-info");
  var filters = {
    company: document.getElementById("f-company"),
    speaker: document.getElementById("f-speaker"),
    sentiment: document.getElementById("f-sentiment"),
  };
  var shown = data.articles;
  var page = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fill(select, values) {
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      select.appendChild(o);
    });
  }

  // The marks of one text, nested: a span that starts inside another is clipped to it, so
  // every entity and claim has exactly one element.
  function spans(a) {
    var out = [];
    a.claims.forEach(function (c) {
      out.push({ s: c.s, e: c.e, rank: 0, claim: c });
    });
    a.missClaims.forEach(function (m) {
      out.push({ s: m[0], e: m[1], rank: 1, missClaim: m });
    });
    a.ents.forEach(function (x) {
      out.push({ s: x[0], e: x[1], rank: 2, ent: x });
    });
    a.missEnts.forEach(function (m) {
      out.push({ s: m[0], e: m[1], rank: 3, missEnt: m });
    });
    out.sort(function (p, q) {
      return p.s - q.s || q.e - p.e || p.rank - q.rank;
    });
    return out;
  }

  function markFor(sp) {
    var m;
    if (sp.claim) {
      var c = sp.claim;
      m = el("span", "claim sent-" + (c.sent || "none") + (c.fp ? " fp" : ""));
      m.setAttribute("data-claim-id", c.id);
      m.title = (c.speaker || "?") + " \u2192 " + (c.target || "?") + (c.fp ? " (not in gold)" : "");
    } else if (sp.missClaim) {
      m = el("span", "miss-claim");
      m.setAttribute("data-gold-claim", "");
      m.title = "gold claim missed" + (sp.missClaim[2] ? " (" + sp.missClaim[2] + ")" : "");
    } else if (sp.ent) {
      var x = sp.ent;
      m = el("mark", "ent ent-" + x[2] + (x[4] ? " fp" : ""));
      m.setAttribute("data-label", x[2]);
      m.title = x[2] + (x[3] ? " \u00b7 " + x[3] : "") + (x[4] ? " (not in gold)" : "");
    } else {
      m = el("mark", "miss");
      m.setAttribute("data-gold-label", sp.missEnt[2] || "");
      m.title = "gold entity missed";
    }
    return m;
  }

  function renderText(box, text, a) {
    var chars = Array.from(text);
    var stack = [{ end: Infinity, node: box }];
    var pos = 0;
    function top() {
      return stack[stack.length - 1];
    }
    function flush(to) {
      if (to > pos) {
        top().node.appendChild(document.createTextNode(chars.slice(pos, to).join("")));
        pos = to;
      }
    }
    spans(a).forEach(function (sp) {
      while (stack.length > 1 && top().end <= sp.s) {
        flush(top().end);
        stack.pop();
      }
      flush(sp.s);
      var m = markFor(sp);
      top().node.appendChild(m);
      stack.push({ end: Math.min(sp.e, top().end), node: m });
    });
    while (stack.length > 1) {
      flush(top().end);
      stack.pop();
    }
    flush(chars.length);
  }

  function claimItem(c) {
    var li = el("li", "sent-" + (c.sent || "none") + (c.fp ? " fp" : ""));
    li.setAttribute("data-for-claim", c.id);
    var role = [c.title, c.org].filter(function (x) { return x; }).join(", ");
    li.appendChild(el("b", "", (c.speaker || "unknown speaker") + (role ? " (" + role + ")" : "") +
      " \u2192 " + (c.target || "no target")));
    if (c.cue) li.appendChild(el("span", "cue", " cue \u201c" + c.cue + "\u201d"));
    if (c.source) li.appendChild(el("span", "src", " via " + c.source));
    li.appendChild(el("span", "sent", " " + (c.sent || "no sentiment")));
    li.appendChild(el("span", "kind", " (" + c.kind + ")"));
    if (c.fp) li.appendChild(el("span", "badge fp", " false positive"));
    return li;
  }

  function renderArticle(a) {
    var sec = el("article", "article");
    sec.setAttribute("data-article", a.id);
    sec.appendChild(el("h3", "", a.title ? a.title + " \u2014 " + a.id : a.id));
    if (data.gold && !a.inGold) sec.appendChild(el("p", "note", "not in the gold"));
    var companies = el("p", "companies");
    a.companies.forEach(function (c) {
      companies.appendChild(el("span", "company sent-" + (c[1] || "none"), c[0] + " \u00d7" + c[2]));
    });
    sec.appendChild(companies);
    var box = el("div", "text");
    if (a.text === null || a.text === undefined) {
      box.appendChild(el("p", "note", "no text: run with --with-text, or give --articles"));
    } else {
      renderText(box, a.text, a);
    }
    sec.appendChild(box);
    var ol = el("ol", "claims");
    a.claims.forEach(function (c) {
      ol.appendChild(claimItem(c));
    });
    a.missClaims.forEach(function (m) {
      ol.appendChild(el("li", "miss-claim", "missed gold claim" + (m[2] ? " by " + m[2] : "")));
    });
    sec.appendChild(ol);
    return sec;
  }

  function matches(a) {
    var company = filters.company.value, speaker = filters.speaker.value, sent = filters.sentiment.value;
    if (company && !a.companies.some(function (c) { return c[0] === company; })) return false;
    if (speaker && !a.claims.some(function (c) { return c.speaker === speaker; })) return false;
    if (sent) {
      if (company) {
        return a.companies.some(function (c) { return c[0] === company && c[1] === sent; });
      }
      return a.claims.some(function (c) { return c.sent === sent; });
    }
    return true;
  }

  function render() {
    list.textContent = "";
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var from = page * PAGE;
    var frag = document.createDocumentFragment();
    shown.slice(from, from + PAGE).forEach(function (a) {
      frag.appendChild(renderArticle(a));
    });
    list.appendChild(frag);
    info.textContent = (shown.length ? from + 1 : 0) + "\u2013" + Math.min(from + PAGE, shown.length) +
      " of " + shown.length + " articles" +
      (shown.length < data.articles.length ? " (filtered from " + data.articles.length + ")" : "") +
      ", page " + (page + 1) + " of " + pages;
  }

  function refilter() {
    shown = data.articles.filter(matches);
    page = 0;
    render();
  }

  fill(filters.company, data.companies);
  fill(filters.speaker, data.speakers);
  Object.keys(filters).forEach(function (k) {
    filters[k].addEventListener("change", refilter);
  });
  document.getElementById("prev").addEventListener("click", function () { page -= 1; render(); });
  document.getElementById("next").addEventListener("click", function () { page += 1; render(); });
  render();
})();
