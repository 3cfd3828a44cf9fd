module benchgo

go 1.22
