// chat.js — live chat pages (no inline scripts: the CSP allows only files from /static). The
// pages work without it: plain forms, and new messages on reload. With it, messages and status
// arrive as Server-Sent Events, messages are sent without reloading, the other side's typing
// shows, quick replies go into the message box in one click, and the staff inbox stays current.
// Text is only ever put into the page as text (textContent), never as markup.
'use strict';
(function () {
	var csrfMeta = document.querySelector('meta[name="csrf-token"]');
	var csrf = csrfMeta ? csrfMeta.content : '';

	function post(url, body) {
		var headers = { 'Content-Type': 'application/json' };
		if (csrf) headers['X-CSRF-Token'] = csrf;
		return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body || {}), credentials: 'same-origin' });
	}

	// ---------------------------------------------------------------- the staff inbox
	var inbox = document.getElementById('inbox');
	if (inbox) {
		var refresh = function () {
			fetch(location.pathname, { credentials: 'same-origin' }).then(function (r) {
				return r.ok ? r.text() : null;
			}).then(function (html) {
				if (!html) return;
				var doc = new DOMParser().parseFromString(html, 'text/html');
				var fresh = doc.getElementById('inbox');
				if (fresh) inbox.replaceChildren.apply(inbox, Array.prototype.slice.call(fresh.childNodes));
			});
		};
		new EventSource('/events?topic=chat.inbox').addEventListener('changed', refresh);
		return;
	}

	// ---------------------------------------------------------------- a conversation
	var box = document.getElementById('chat');
	if (!box) return;
	var id = box.dataset.chat, token = box.dataset.token || '', staff = box.dataset.role === 'staff';
	var last = Number(box.dataset.last || 0);
	var q = token ? '?token=' + encodeURIComponent(token) : '';
	var api = '/api/v1/chats/' + id;
	var log = document.getElementById('chat-log');
	var typing = document.getElementById('chat-typing');
	var form = document.getElementById('chat-form');
	var text = document.getElementById('chat-text');
	var typingTimer = null;

	function addMessage(m) {
		if (m.id <= last) return;
		last = m.id;
		var li = document.createElement('li');
		li.className = 'chat-msg chat-' + m.from;
		li.dataset.id = m.id;
		if (m.from !== 'system') {
			var who = document.createElement('span');
			who.className = 'chat-who';
			who.textContent = m.from === 'citizen' ? box.dataset.name || '' : m.author;
			li.appendChild(who);
			li.appendChild(document.createTextNode(' '));
		}
		var when = document.createElement('span');
		when.className = 'chat-when';
		when.textContent = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
		li.appendChild(when);
		var p = document.createElement('p');
		p.className = 'chat-text';
		(m.parts || [{ text: m.text }]).forEach(function (part) {
			if (part.link && m.from === 'staff') {
				var a = document.createElement('a');
				a.href = part.href;
				a.rel = 'noopener noreferrer nofollow';
				a.target = '_blank';
				a.textContent = part.text;
				p.appendChild(a);
			} else {
				p.appendChild(document.createTextNode(part.text));
			}
		});
		li.appendChild(p);
		log.appendChild(li);
		log.scrollTop = log.scrollHeight;
		if (typing) typing.hidden = true;
	}

	function setStatus(s) {
		var st = document.getElementById('chat-status');
		if (!st) return;
		if (st.dataset.status !== s.status) {
			// A change of state (taken, closed) changes the page's forms: show the new page.
			location.reload();
			return;
		}
		var pos = document.getElementById('chat-pos');
		if (pos) pos.textContent = String(s.position);
		var offer = document.getElementById('chat-offer');
		if (offer && s.offer) offer.hidden = false;
	}

	// Messages missed while the stream was away (first connection, reconnections).
	function catchUp() {
		fetch(api + q + (q ? '&' : '?') + 'after=' + last, { credentials: 'same-origin' }).then(function (r) {
			return r.ok ? r.json() : null;
		}).then(function (j) {
			if (!j) return;
			j.messages.forEach(addMessage);
			setStatus(j);
		});
	}

	var es = new EventSource(api + '/events' + q);
	// The citizen's page says it is still there (a conversation nobody looks at closes after a while).
	if (!staff) setInterval(catchUp, 60000);
	es.addEventListener('open', catchUp);
	es.addEventListener('message', function (e) {
		addMessage(JSON.parse(e.data));
	});
	es.addEventListener('status', function (e) {
		setStatus(JSON.parse(e.data));
	});
	es.addEventListener('typing', function (e) {
		var d = JSON.parse(e.data);
		if (!typing || (d.from === 'staff') === staff) return;
		typing.hidden = false;
		clearTimeout(typingTimer);
		typingTimer = setTimeout(function () {
			typing.hidden = true;
		}, 5000);
	});

	if (form && text) {
		var lastTyping = 0;
		text.addEventListener('input', function () {
			var now = Date.now();
			if (now - lastTyping > 3000) {
				lastTyping = now;
				post(api + '/typing' + q);
			}
		});
		form.addEventListener('submit', function (e) {
			e.preventDefault();
			var v = text.value.trim();
			if (!v) return;
			post(api + '/messages' + q, { text: v }).then(function (r) {
				if (r.ok) {
					text.value = '';
					text.focus();
				} else {
					form.submit();
				}
			});
		});
	}

	// Quick replies: one click puts the text in the message box (without JavaScript the button
	// sends it as it is).
	document.querySelectorAll('[data-insert]').forEach(function (b) {
		b.addEventListener('click', function (e) {
			if (!text) return;
			e.preventDefault();
			var at = text.selectionStart || text.value.length;
			text.value = text.value.slice(0, at) + b.dataset.insert + text.value.slice(text.selectionEnd || at);
			text.focus();
		});
	});
})();
