package tailor
