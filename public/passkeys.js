// Passkeys (WebAuthn) for /account/security and the second step of signing in (/login/mfa).
// A form with data-passkey-register or data-passkey-signin asks its URL for the options, lets the
// browser create or use a passkey (SimpleWebAuthnBrowser, /assets/simplewebauthn.js) and posts
// the browser's answer as JSON in the form's hidden field. Without this script nothing is sent.
(function () {
  'use strict';
  function showError(form) {
    var box = form.querySelector('[data-passkey-error]');
    if (box) box.hidden = false;
  }
  function options(form, url) {
    var token = form.querySelector('input[name="_csrf"]');
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': token ? token.value : '', accept: 'application/json' },
    }).then(function (response) {
      if (!response.ok) throw new Error('options ' + response.status);
      return response.json();
    });
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.getAttribute) return;
    var register = form.getAttribute('data-passkey-register');
    var signIn = form.getAttribute('data-passkey-signin');
    if (!register && !signIn) return;
    if (form.getAttribute('data-ready') === 'true') return;
    event.preventDefault();
    var lib = window.SimpleWebAuthnBrowser;
    if (!lib || !lib.browserSupportsWebAuthn()) return showError(form);
    var field = form.querySelector(register ? 'input[name="response"]' : 'input[name="passkey"]');
    options(form, register || signIn)
      .then(function (optionsJSON) {
        return register
          ? lib.startRegistration({ optionsJSON: optionsJSON })
          : lib.startAuthentication({ optionsJSON: optionsJSON });
      })
      .then(function (answer) {
        field.value = JSON.stringify(answer);
        form.setAttribute('data-ready', 'true');
        form.submit();
      })
      .catch(function () {
        showError(form);
      });
  });
})();
