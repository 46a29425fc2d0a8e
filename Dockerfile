# syntax=docker/dockerfile:1
# Build: docker build -t streamhub .   Run: docker run -p 8080:8080 streamhub
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Hub.sln ./
COPY src/StreamHub/StreamHub.csproj src/StreamHub/
COPY src/StreamHub.Emulator/StreamHub.Emulator.csproj src/StreamHub.Emulator/
RUN dotnet restore src/StreamHub/StreamHub.csproj
COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish src/StreamHub/StreamHub.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_gcServer=0
EXPOSE 8080
# The image's built-in non-root user (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "StreamHub.dll"]
