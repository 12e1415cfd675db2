const path = require('path');
const { src, dest, parallel } = require('gulp');

// n8n loads icons next to the compiled node/credential files, so copy them into dist with the same layout.
function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

// Codex files (<Node>.node.json) describe categories and docs links for the n8n editor.
function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

// The bundled workflows ship with the package so users can import them from node_modules.
function copyWorkflows() {
	return src('workflows/*.json', { allowEmpty: true }).pipe(dest(path.join('dist', 'workflows')));
}

// SQL schema files used by the Supabase ops log.
function copySql() {
	return src('lib/**/*.sql', { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex, copyWorkflows, copySql);
exports.default = exports['build:icons'];
