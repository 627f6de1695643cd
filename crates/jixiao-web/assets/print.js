// The print button of the project page (no inline handlers: the Content-Security-Policy allows none).
document.querySelectorAll('[data-print]').forEach(b => b.addEventListener('click', () => window.print()));
