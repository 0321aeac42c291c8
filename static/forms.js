// forms.js — a form sent back with errors: the keyboard and screen reader start at the list of
// errors (which links to each field), instead of at the top of the page. Loaded only on such
// pages; without it the list is still first, announced as an alert.
'use strict';
(function () {
	var summary = document.getElementById('form-errors');
	if (!summary) return;
	summary.setAttribute('tabindex', '-1');
	summary.focus();
})();
