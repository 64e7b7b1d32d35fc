module kqlhunt

go 1.26.8
