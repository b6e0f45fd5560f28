$(function () {
  importScript('User:X/y.js');
  if (true) {
    $.getScript('https://cdn.example.net/z.js');
