/**
 * The simulator page's script, sent inline (its hash is in the page's CSP). It is a string
 * because this package is typed for Node, not the DOM; the browser test drives every path.
 * Data from messages only ever reaches the page through textContent and attributes set
 * one by one, never innerHTML. No template literals inside: String.raw keeps the regex
 * escapes as written.
 */
export const simulatorScript = String.raw`(function () {
"use strict";
var root = document.getElementById("sim");
var config = root.dataset;
var encoder = new TextEncoder();
var state = { phone: "", name: "", items: new Map(), cursor: 0, generation: 0, timer: 0, polling: false, again: false, shown: "", receipted: new Set() };

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === "text") node.textContent = attrs[k];
    else if (k === "onclick") node.addEventListener("click", attrs[k]);
    else node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (child) { if (child) node.appendChild(child); });
  return node;
}

function problem(text) {
  var box = document.getElementById("problem");
  box.textContent = text || "";
  box.hidden = !text;
}

// The app secret comes from the server: acceptable only because the simulator is served
// only when no Meta credentials are configured (a development secret, never a real one).
var keyPromise;
function hmacKey() {
  if (!keyPromise) {
    keyPromise = crypto.subtle.importKey("raw", encoder.encode(config.secret),
      { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }
  return keyPromise;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

// Meta sends JSON with every non-ASCII character escaped as \uXXXX (lowercase hex) and
// signs those bytes; the simulator sends and signs exactly the same form.
function metaJson(value) {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, function (c) {
    return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
  });
}

function digits(phone) { return phone.replace(/^\+/, ""); }

function envelope(value) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: config.accountId, changes: [{ field: "messages", value: Object.assign({
      messaging_product: "whatsapp",
      metadata: { display_phone_number: config.displayPhone, phone_number_id: config.phoneNumberId }
    }, value) }] }]
  };
}

function deliver(payload) {
  if (!window.crypto || !crypto.subtle) {
    problem("This browser cannot sign messages here: open the simulator on localhost or over https.");
    return Promise.resolve(false);
  }
  var bytes = encoder.encode(metaJson(payload));
  return hmacKey().then(function (key) { return crypto.subtle.sign("HMAC", key, bytes); })
    .then(function (signature) {
      return fetch(config.webhook, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + hex(signature) },
        body: bytes
      });
    })
    .then(function (res) {
      if (!res.ok) problem("The webhook answered " + res.status + ": the message was not taken.");
      else problem("");
      return res.ok;
    }, function () { problem("Could not reach the server."); return false; });
}

function newMessageId() {
  var random = new Uint8Array(12);
  crypto.getRandomValues(random);
  return "wamid.SIM" + hex(random.buffer);
}

// Sends one message from the simulated phone, shown at once as "sending" until the
// server's copy (same id) replaces it.
function send(type, body, content, replyTo) {
  if (!state.phone) return;
  var id = newMessageId();
  var message = { from: digits(state.phone), id: id, timestamp: String(Math.floor(Date.now() / 1000)), type: type };
  message[type] = body;
  if (replyTo) message.context = { from: digits(config.displayPhone), id: replyTo };
  state.items.set(id, { direction: "in", id: id, at: Date.now(), recordedAt: Infinity, status: "sending", content: content });
  render();
  deliver(envelope({ contacts: [{ profile: { name: state.name }, wa_id: digits(state.phone) }], messages: [message] }))
    .then(function (ok) {
      if (!ok) { var item = state.items.get(id); if (item && item.status === "sending") { item.status = "failed"; state.shown = ""; render(); } }
      poll();
    });
}

// A phone that shows a message reports it delivered and read, as WhatsApp does.
function receipt(item) {
  if (!item.providerMessageId || state.receipted.has(item.id)) return;
  if (item.delivery === "read" || item.delivery === "failed" || item.status !== "sent") return;
  state.receipted.add(item.id);
  var at = String(Math.floor(Date.now() / 1000));
  var to = digits(state.phone);
  deliver(envelope({ statuses: ["delivered", "read"].map(function (s) {
    return { id: item.providerMessageId, status: s, timestamp: at, recipient_id: to };
  }) }));
}

var URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

function richText(text) {
  var span = el("span", { "class": "text" });
  String(text).split(URL_PATTERN).forEach(function (part, i) {
    if (i % 2 === 1) span.appendChild(el("a", { href: part, target: "_blank", rel: "noopener noreferrer", text: part }));
    else if (part) span.appendChild(document.createTextNode(part));
  });
  return span;
}

function openList(item) {
  var intent = item.intent;
  var sheet = document.getElementById("sheet");
  var rows = document.getElementById("sheet-rows");
  document.getElementById("sheet-title").textContent = intent.button;
  rows.replaceChildren();
  intent.sections.forEach(function (section) {
    if (section.title) rows.appendChild(el("h3", { text: section.title }));
    section.rows.forEach(function (row) {
      rows.appendChild(el("button", { type: "button", "class": "row", "data-id": row.id, onclick: function () {
        closeList();
        var reply = { id: row.id, title: row.title };
        if (row.description) reply.description = row.description;
        send("interactive", { type: "list_reply", list_reply: reply },
          Object.assign({ _tag: "list_reply" }, reply), item.providerMessageId);
      } }, [el("span", { "class": "row-title", text: row.title }),
        row.description ? el("span", { "class": "row-description", text: row.description }) : null]));
    });
  });
  sheet.hidden = false;
}

function closeList() { document.getElementById("sheet").hidden = true; }

var KINDS = { image: "Photo", document: "Document", audio: "Voice note", video: "Video", sticker: "Sticker" };

var JOHANNESBURG = { latitude: -26.2041, longitude: 28.0473, name: "Simulated pin", address: "Johannesburg" };

function intentNodes(item) {
  var intent = item.intent;
  var nodes = [];
  if (intent.header) nodes.push(el("strong", { "class": "header", text: intent.header }));
  switch (intent._tag) {
    case "text":
      nodes.push(richText(intent.body));
      break;
    case "buttons":
      nodes.push(richText(intent.body));
      if (intent.footer) nodes.push(el("small", { "class": "footer", text: intent.footer }));
      nodes.push(el("div", { "class": "actions" }, intent.buttons.map(function (b) {
        return el("button", { type: "button", "class": "reply", "data-id": b.id, text: b.title, onclick: function () {
          send("interactive", { type: "button_reply", button_reply: { id: b.id, title: b.title } },
            { _tag: "button_reply", id: b.id, title: b.title }, item.providerMessageId);
        } });
      })));
      break;
    case "list":
      nodes.push(richText(intent.body));
      if (intent.footer) nodes.push(el("small", { "class": "footer", text: intent.footer }));
      nodes.push(el("div", { "class": "actions" }, [el("button", { type: "button", "class": "reply open-list",
        text: "\u2630 " + intent.button, onclick: function () { openList(item); } })]));
      break;
    case "media":
      nodes.push(el("span", { "class": "media", text: KINDS[intent.kind] + (intent.filename ? ": " + intent.filename : "") }));
      if (intent.link && /^https?:\/\//.test(intent.link)) {
        nodes.push(el("a", { href: intent.link, target: "_blank", rel: "noopener noreferrer", text: intent.link }));
      } else if (intent.storedKey) {
        nodes.push(el("small", { "class": "footer", text: intent.storedKey }));
      }
      if (intent.caption) nodes.push(richText(intent.caption));
      break;
    case "template":
      nodes.push(el("span", { "class": "template-name", text: "Template " + intent.name + " (" + intent.language + ")" }));
      if (intent.parameters.length > 0) {
        nodes.push(el("ol", { "class": "parameters" }, intent.parameters.map(function (p) { return el("li", {}, [richText(p)]); })));
      }
      break;
    case "location_request":
      nodes.push(richText(intent.body));
      nodes.push(el("div", { "class": "actions" }, [el("button", { type: "button", "class": "reply share-location",
        text: "Send location", onclick: function () {
          send("location", JOHANNESBURG, Object.assign({ _tag: "location" }, JOHANNESBURG), item.providerMessageId);
        } })]));
      break;
    default:
      nodes.push(el("span", { text: "(" + intent._tag + ")" }));
  }
  return nodes;
}

function contentNodes(content) {
  switch (content._tag) {
    case "text": return [richText(content.body)];
    case "button_reply": return [el("span", { "class": "text", text: content.title })];
    case "list_reply": return [el("span", { "class": "text", text: content.title }),
      content.description ? el("small", { "class": "footer", text: content.description }) : null];
    case "quick_reply": return [el("span", { "class": "text", text: content.text })];
    case "location": return [el("span", { "class": "text", text: (content.name || "Location") +
      " (" + content.latitude + ", " + content.longitude + ")" })];
    case "media": return [el("span", { "class": "media", text: KINDS[content.kind] || content.kind }),
      content.caption ? richText(content.caption) : null];
    default: return [el("span", { "class": "text", text: "(" + content._tag + ")" })];
  }
}

var TICKS = {
  queued: ["\u25f7", "queued"], sent: ["\u2713", "sent"], delivered: ["\u2713\u2713", "delivered"],
  read: ["\u2713\u2713", "read"], failed: ["\u26a0", "failed"]
};

function tickOf(item) {
  if (item.direction === "out") {
    if (item.status === "failed" || item.delivery === "failed") return "failed";
    if (item.delivery) return item.delivery;
    return item.status === "sent" ? "sent" : "queued";
  }
  // The phone's own messages: recorded by the webhook, then answered by the bot.
  if (item.status === "sending") return "queued";
  if (item.status === "failed") return "failed";
  return item.status === "processed" ? "read" : "delivered";
}

function bubble(item) {
  var tick = tickOf(item);
  var meta = el("span", { "class": "meta" }, [
    el("time", { text: new Date(item.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) }),
    el("span", { "class": "tick tick-" + tick, "aria-label": TICKS[tick][1], text: TICKS[tick][0] })
  ]);
  var body = item.direction === "out" ? intentNodes(item) : contentNodes(item.content);
  if (item.error) body.push(el("small", { "class": "error", text: item.error }));
  var attrs = { "class": "bubble " + item.direction, "data-id": item.id, "data-state": TICKS[tick][1] };
  if (item.direction === "out") { attrs["data-kind"] = item.intent._tag; attrs.title = item.template; }
  else attrs["data-kind"] = item.content._tag;
  return el("div", attrs, body.concat([meta]));
}

function render() {
  // In the order the server recorded them (see readChat); a message being sent goes last.
  var list = Array.from(state.items.values()).sort(function (a, b) { return a.recordedAt - b.recordedAt; });
  var signature = JSON.stringify(list);
  if (signature === state.shown) return;
  state.shown = signature;
  var log = document.getElementById("log");
  log.replaceChildren.apply(log, list.map(bubble));
  log.scrollTop = log.scrollHeight;
  list.forEach(function (item) { if (item.direction === "out") receipt(item); });
}

// Looks again at anything recent whose ticks may still move; otherwise only what is new.
function nextAfter() {
  var after = state.cursor;
  var recent = Date.now() - 10 * 60 * 1000;
  state.items.forEach(function (item) {
    var settled = item.direction === "out"
      ? item.status === "failed" || item.delivery === "read" || item.delivery === "failed" || (item.status === "sent" && !item.providerMessageId)
      : item.status === "processed" || item.status === "failed";
    if (!settled && item.status !== "sending" && item.recordedAt >= recent) after = Math.min(after, item.recordedAt);
  });
  return after;
}

// One read at a time: a poll asked for while one is under way runs right after it.
function poll() {
  clearTimeout(state.timer);
  if (!state.phone) return;
  if (state.polling) { state.again = true; return; }
  state.polling = true;
  state.again = false;
  var generation = state.generation;
  var url = config.messages + "?phone=" + encodeURIComponent(state.phone) + "&after=" + nextAfter();
  fetch(url, { headers: { Accept: "application/json" } })
    .then(function (res) {
      return res.json().then(function (body) {
        if (generation !== state.generation) return;
        if (!res.ok) {
          var issues = body.issues || [];
          problem(issues.length > 0 ? issues.map(function (i) { return i.path + " " + i.message; }).join("; ") : "The server answered " + res.status + ".");
          return;
        }
        body.messages.forEach(function (item) { state.items.set(item.id, item); });
        document.getElementById("flow").textContent = body.optedOut ? "opted out (stop)"
          : body.flow ? body.flow.name + " · " + body.flow.step : "";
        state.cursor = Math.max(state.cursor, body.cursor);
        render();
      });
    })
    .catch(function () { if (generation === state.generation) problem("Could not reach the server."); })
    .then(function () {
      state.polling = false;
      if (!state.phone) return;
      if (state.again || generation !== state.generation) poll();
      else state.timer = setTimeout(poll, 1000);
    });
}

function openChat(phone) {
  var normal = phone.replace(/[\s().-]/g, "").replace(/^00/, "+");
  if (!/^\+[1-9][0-9]{7,14}$/.test(normal)) { problem("Type a phone number such as +27821234567."); return; }
  problem("");
  state.generation += 1;
  state.phone = normal;
  state.name = document.getElementById("name").value.trim() || "Simulator";
  state.items = new Map();
  state.cursor = 0;
  state.shown = "";
  state.receipted = new Set();
  document.getElementById("who").textContent = state.name + " \u00b7 " + normal;
  document.getElementById("phone").value = normal;
  document.getElementById("picker").hidden = true;
  document.getElementById("chat").hidden = false;
  document.getElementById("switch").hidden = false;
  history.replaceState(null, "", "?phone=" + encodeURIComponent(normal));
  render();
  poll();
  document.getElementById("text").focus();
}

document.getElementById("pick").addEventListener("submit", function (event) {
  event.preventDefault();
  openChat(document.getElementById("phone").value);
});
document.getElementById("new-number").addEventListener("click", function () {
  var n = new Uint32Array(1);
  crypto.getRandomValues(n);
  openChat("+2760" + String(n[0] % 10000000).padStart(7, "0"));
});
Array.prototype.forEach.call(document.querySelectorAll("button[data-phone]"), function (button) {
  button.addEventListener("click", function () {
    if (button.dataset.name) document.getElementById("name").value = button.dataset.name;
    openChat(button.dataset.phone);
  });
});
document.getElementById("switch").addEventListener("click", function () {
  state.generation += 1;
  state.phone = "";
  clearTimeout(state.timer);
  document.getElementById("chat").hidden = true;
  document.getElementById("switch").hidden = true;
  document.getElementById("picker").hidden = false;
  history.replaceState(null, "", "?");
});
document.getElementById("compose").addEventListener("submit", function (event) {
  event.preventDefault();
  var input = document.getElementById("text");
  var text = input.value;
  if (!text.trim()) return;
  input.value = "";
  send("text", { body: text }, { _tag: "text", body: text });
});
document.getElementById("sheet-close").addEventListener("click", closeList);
// A photo or PDF: uploaded first (WhatsApp hosts media too), then sent by its id.
document.getElementById("file").addEventListener("change", function (event) {
  var input = event.target;
  var file = input.files && input.files[0];
  input.value = "";
  if (!file || !state.phone) return;
  var text = document.getElementById("text");
  var caption = text.value.trim();
  text.value = "";
  fetch(config.media, { method: "POST", headers: { "Content-Type": file.type || "application/octet-stream" }, body: file })
    .then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) { problem(body.message || "The upload was refused (" + res.status + ")."); return; }
        var kind = body.mimeType === "application/pdf" ? "document" : "image";
        var media = { id: body.id, mime_type: body.mimeType, sha256: body.sha256 };
        var content = { _tag: "media", kind: kind, mediaId: body.id, mimeType: body.mimeType, sha256: body.sha256 };
        if (caption) { media.caption = caption; content.caption = caption; }
        if (kind === "document") { media.filename = file.name; content.filename = file.name; }
        send(kind, media, content);
      });
    }, function () { problem("Could not reach the server."); });
});

var initial = new URLSearchParams(location.search).get("phone");
if (initial) openChat(initial);
})();
`
