from django.http import HttpResponse


def district_overview(request):
    return HttpResponse("")


def district_list(request):
    return HttpResponse("")


def provider_list(request):
    return HttpResponse("")


def assignment_list(request):
    return HttpResponse("")


def position_list(request):
    return HttpResponse("")
