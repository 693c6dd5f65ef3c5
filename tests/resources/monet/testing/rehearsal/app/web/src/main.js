document.getElementById("root").dataset.build = "r1";
